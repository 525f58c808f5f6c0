"""The sweeper: finds updates that no worker is answering, so none is lost.

Run by Celery beat every minute (`updates_sweep_task`, which queues what it finds).
"""

import logging
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from blufio.clients.anthropic import call_seconds_bound
from blufio.inbox.worker import chat_lock
from blufio.models import InboundUpdate, JobRun
from costs.services import reservations_close_stale

logger = logging.getLogger(__name__)

# An update still `received` this long after it arrived (or after its planned
# retry) was never handed to a worker: the broker was down, or the task was lost.
STALE_AFTER = timedelta(minutes=1)
# An update claimed this long ago, whose chat no worker holds, lost its worker (the
# worker answering it holds the chat's lock, however long Claude takes). On SQLite,
# the dev default with one worker and no locks, the time alone decides.
STUCK_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 500
# Its `JobRun`, stamped by the worker that ran it: an old one means no sweep has run
# (no worker, or it fails each minute).
SWEEP_JOB = "sweeper"
# Beat's own `JobRun`, stamped in the beat process each time it sends the sweep: beat is
# alive whether or not a worker runs what it sends.
BEAT_JOB = "beat"


def updates_sweep(*, now: datetime | None = None) -> list[int]:
    """The updates to hand to the workers again, oldest first.

    Updates whose worker died mid-task go back to `received` first, and the budget
    held for their unfinished calls is charged (see `reservations_close_stale`; a
    live call ends within `call_seconds_bound`). Handing an update on twice is
    harmless: the worker's claim lets only one through.
    """
    now = now or timezone.now()
    reservations_close_stale(older_than=timedelta(seconds=call_seconds_bound(), minutes=1), now=now)
    revived = updates_revive(claimed_before=now - STUCK_AFTER)
    if revived:
        logger.warning("%s updates were stuck in processing; retrying them", revived)
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    waiting = list(
        InboundUpdate.objects.filter(
            due, status=InboundUpdate.Status.RECEIVED, received_at__lt=now - STALE_AFTER
        )
        .order_by("update_id")
        .values_list("update_id", flat=True)[:SWEEP_BATCH]
    )
    # Stamped once the sweep has done its work: a sweep that fails each minute is stale.
    JobRun.objects.update_or_create(job=SWEEP_JOB, defaults={"ran_at": now})
    return waiting


def beat_sent_stamp(*, now: datetime | None = None) -> None:
    """Beat has just sent the sweep (see `tasks`, which calls this in the beat process)."""
    JobRun.objects.update_or_create(job=BEAT_JOB, defaults={"ran_at": now or timezone.now()})


def updates_revive(*, claimed_before: datetime) -> int:
    """Put updates whose worker is gone back to `received`; returns how many.

    An update is gone from its worker when it was claimed before `claimed_before` and
    nobody holds its chat. One claimed by a release that did not stamp `claimed_at` (its
    workers still run during a deploy) is measured from `updated_at`, as then. Holding
    the chat for a moment here is harmless: a task that finds it busy ends, and the
    revived update's task answers the chat's backlog.
    """
    claimed_long_ago = Q(claimed_at__lt=claimed_before) | Q(
        claimed_at__isnull=True, updated_at__lt=claimed_before
    )
    stuck = InboundUpdate.objects.filter(claimed_long_ago, status=InboundUpdate.Status.PROCESSING)
    revived = 0
    for update_id, chat_id in stuck.values_list("update_id", "chat_id")[:SWEEP_BATCH]:
        with chat_lock(chat_id) as free:
            if free:
                revived += stuck.filter(update_id=update_id).update(
                    status=InboundUpdate.Status.RECEIVED,
                    last_error="worker stopped mid-task",
                    updated_at=timezone.now(),
                )
    return revived
