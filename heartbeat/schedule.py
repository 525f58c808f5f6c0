"""The heartbeat's periodic tasks in django-celery-beat (editable in admin)."""

from django_celery_beat.models import IntervalSchedule, PeriodicTask

HEARTBEAT_TASK = "heartbeat.run_pass"


def heartbeat_schedule_sync(*, interval_minutes: int) -> PeriodicTask:
    """Run the heartbeat pass every `interval_minutes` (creating the periodic task if missing)."""
    interval, _ = IntervalSchedule.objects.get_or_create(
        every=interval_minutes, period=IntervalSchedule.MINUTES
    )
    task, _ = PeriodicTask.objects.update_or_create(
        task=HEARTBEAT_TASK, defaults={"name": "Heartbeat pass", "interval": interval}
    )
    return task
