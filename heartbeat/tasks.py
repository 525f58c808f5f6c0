"""The heartbeat's Celery tasks: thin entry points named after the service they call.

The registered names (`heartbeat.after_reply`, `heartbeat.run_pass`, …) are kept: the
beat schedule in the database and queued messages refer to them.
"""

import logging
from datetime import datetime

from celery import shared_task
from django.utils import timezone

from blufio.models import ChatSession
from heartbeat import checkins, memory, weekly

logger = logging.getLogger(__name__)


@shared_task(name="heartbeat.after_reply")
def memory_after_reply_task(message_id: int) -> None:
    """Read the owner's message for pending items, then compact the history if it is long."""
    memory.memory_after_reply(message_id=message_id)


@shared_task(name="heartbeat.run_pass")
def heartbeat_pass_task() -> int:
    """Scheduled by beat (every 30 minutes by default): the heartbeat pass, as one
    `session_heartbeat_task` per chat, so chats run in parallel on the workers. Returns
    how many were queued. (`checkins.heartbeat_pass` is the same pass in one process.)"""
    now = timezone.now()
    session_ids = list(ChatSession.objects.values_list("pk", flat=True))
    for session_id in session_ids:
        session_heartbeat_task.delay(session_id, now.isoformat())
    return len(session_ids)


@shared_task(name="heartbeat.beat_chat")
def session_heartbeat_task(session_id: int, now: str) -> str:
    """One chat's heartbeat at the pass's time (so a late task still claims its slot)."""
    outcome = checkins.session_heartbeat(session_id=session_id, now=datetime.fromisoformat(now))
    logger.info("Heartbeat of session %s: %s", session_id, outcome)
    return outcome


@shared_task(name="heartbeat.weekly_digest")
def weekly_digest_send_task() -> list[str]:
    """Send the owner last week's 📊 cost summary."""
    return weekly.weekly_digest_send()
