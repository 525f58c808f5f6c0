from zoneinfo import ZoneInfo

from django.db import migrations
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

SUMS = ("cost_usd", "input_tokens", "output_tokens", "cache_write_tokens", "cache_read_tokens")
KEY = ("day", "actual_model", "feature", "tier", "reason", "override")


def fill(apps, schema_editor):
    LedgerEntry = apps.get_model("costs", "LedgerEntry")
    LedgerDay = apps.get_model("costs", "LedgerDay")
    settings = apps.get_model("costs", "BudgetSettings").objects.filter(pk=1).first()
    zone = ZoneInfo(settings.timezone if settings else "UTC")
    rows = (
        LedgerEntry.objects.annotate(day=TruncDate("created_at", tzinfo=zone))
        .values(*KEY)
        .annotate(calls=Count("id"), **{name: Sum(name) for name in SUMS})
        .order_by()
    )
    LedgerDay.objects.bulk_create(LedgerDay(**row) for row in rows)


class Migration(migrations.Migration):
    dependencies = [("costs", "0004_ledger_day_totals")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
