"""What Django's debug error page may show of the settings."""

import re

from django.views.debug import SafeExceptionReporterFilter


class SettingsFilter(SafeExceptionReporterFilter):
    """Django's filter, which hides settings named like a key, token or password, also
    hiding the connection URLs, which carry passwords in them (postgres://user:pw@…)."""

    hidden_settings = re.compile(
        f"{SafeExceptionReporterFilter.hidden_settings.pattern}|DATABASE_URL|REDIS_URL|BROKER_URL",
        flags=re.IGNORECASE,
    )
