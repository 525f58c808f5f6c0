from django.contrib import admin
from solo.admin import SingletonModelAdmin

from routing.models import RoutingSettings


@admin.register(RoutingSettings)
class RoutingSettingsAdmin(SingletonModelAdmin):
    fieldsets = [
        (
            "Models per tier",
            {
                "fields": [
                    ("haiku_model", "haiku_max_tokens", "haiku_effort"),
                    ("sonnet_model", "sonnet_max_tokens", "sonnet_effort"),
                    ("opus_model", "opus_max_tokens", "opus_effort"),
                ]
            },
        ),
        ("Score bands", {"fields": ["sonnet_from", "opus_from"]}),
        ("Budget downgrades", {"fields": ["downgrade_at", "haiku_only_at"]}),
        ("Fallbacks", {"fields": ["opus_fallbacks", "sonnet_fallbacks", "haiku_fallbacks"]}),
        ("Prompt caching", {"fields": ["cache_ttl", "cache_aware_routing"]}),
        ("Override", {"fields": ["force_model"]}),
    ]
