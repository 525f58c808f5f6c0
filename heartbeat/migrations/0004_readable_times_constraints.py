import datetime

from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from 0003: PostgreSQL will not alter a table in the transaction that just
    updated its rows."""

    dependencies = [
        ("heartbeat", "0003_readable_times_open_item_cap"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="pendingitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("due_at__isnull", True),
                    models.Q(
                        (
                            "due_at__gte",
                            datetime.datetime(2, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        ),
                        (
                            "due_at__lt",
                            datetime.datetime(9999, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        ),
                    ),
                    _connector="OR",
                ),
                name="pendingitem_due_at_readable",
                violation_error_message="The due time must lie between the years 2 and 9998.",
            ),
        ),
        migrations.AddConstraint(
            model_name="pendingitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("snoozed_until__isnull", True),
                    models.Q(
                        (
                            "snoozed_until__gte",
                            datetime.datetime(2, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        ),
                        (
                            "snoozed_until__lt",
                            datetime.datetime(9999, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        ),
                    ),
                    _connector="OR",
                ),
                name="pendingitem_snoozed_until_readable",
                violation_error_message="The snooze must lie between the years 2 and 9998.",
            ),
        ),
    ]
