"""Beat schedules, editable in admin: the heartbeat pass every 30 minutes, and the weekly
cost digest on Mondays at 08:00 UTC (change its crontab's time zone to the owner's)."""

from django.db import migrations


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_30_minutes, _ = IntervalSchedule.objects.get_or_create(every=30, period="minutes")
    PeriodicTask.objects.get_or_create(
        task="heartbeat.run_pass",
        defaults={"name": "Heartbeat pass", "interval": every_30_minutes},
    )
    monday_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="1", day_of_month="*", month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.get_or_create(
        task="heartbeat.weekly_digest",
        defaults={"name": "Weekly cost digest", "crontab": monday_morning},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task__in=["heartbeat.run_pass", "heartbeat.weekly_digest"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("heartbeat", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
