"""The sweeper: finds updates that no worker is answering, so none is lost.

Run by Celery beat every minute (`updates_sweep_task`, which queues what it finds).
"""

import logging
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from blufio.models import InboundUpdate, JobRun
from costs.services import reservations_close_stale

logger = logging.getLogger(__name__)

# An update still `received` this long after it arrived (or after its planned
# retry) was never handed to a worker: the broker was down, or the task was lost.
STALE_AFTER = timedelta(minutes=1)
# Longer than the task's hard time limit: a worker that held it this long is gone.
STUCK_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 500
# Its `JobRun`: beat queues the sweep every minute, so an old one means beat (or every
# worker) has stopped.
SWEEP_JOB = "sweeper"


def updates_sweep(*, now: datetime | None = None) -> list[int]:
    """The updates to hand to the workers again, oldest first.

    Updates whose worker died mid-task go back to `received` first, and the budget
    held for their unfinished calls is charged (see `reservations_close_stale`).
    Handing an update on twice is harmless: the worker's claim lets only one through.
    """
    now = now or timezone.now()
    JobRun.objects.update_or_create(job=SWEEP_JOB, defaults={"ran_at": now})
    reservations_close_stale(older_than=STUCK_AFTER, now=now)
    revived = InboundUpdate.objects.filter(
        status=InboundUpdate.Status.PROCESSING, updated_at__lt=now - STUCK_AFTER
    ).update(status=InboundUpdate.Status.RECEIVED, last_error="worker stopped mid-task")
    if revived:
        logger.warning("%s updates were stuck in processing; retrying them", revived)
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return list(
        InboundUpdate.objects.filter(
            due, status=InboundUpdate.Status.RECEIVED, updated_at__lt=now - STALE_AFTER
        )
        .order_by("update_id")
        .values_list("update_id", flat=True)[:SWEEP_BATCH]
    )
