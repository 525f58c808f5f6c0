"""The heartbeat's periodic tasks in django-celery-beat (editable in admin)."""

from django_celery_beat.models import IntervalSchedule, PeriodicTask

HEARTBEAT_TASK = "heartbeat.run_pass"
HEARTBEAT_TASK_NAME = "Heartbeat pass"


def heartbeat_schedule_sync(*, interval_minutes: int) -> PeriodicTask:
    """Run the heartbeat pass every `interval_minutes` (creating the periodic task if missing)."""
    # django-celery-beat lets an interval be entered twice in admin: use the first.
    interval = IntervalSchedule.objects.filter(
        every=interval_minutes, period=IntervalSchedule.MINUTES
    ).order_by("pk").first() or IntervalSchedule.objects.create(
        every=interval_minutes, period=IntervalSchedule.MINUTES
    )
    # Every row that runs the pass (the owner may have added or renamed one), each saved
    # so that beat sees the change.
    tasks = list(PeriodicTask.objects.filter(task=HEARTBEAT_TASK).order_by("pk"))
    if not tasks:
        return PeriodicTask.objects.create(
            name=HEARTBEAT_TASK_NAME, task=HEARTBEAT_TASK, interval=interval
        )
    for task in tasks:
        task.interval = interval
        task.save()
    return tasks[0]
