import logging

from celery import shared_task

from heartbeat import checkins, memory, weekly

logger = logging.getLogger(__name__)


@shared_task(name="heartbeat.after_reply")
def after_reply(message_id: int) -> None:
    """Read the owner's message for pending items, then compact the history if it is long."""
    memory.memory_after_reply(message_id=message_id)


@shared_task(name="heartbeat.run_pass")
def run_pass() -> list[str]:
    """One heartbeat pass over every chat (scheduled by beat, every 30 minutes by default)."""
    results = [str(result) for result in checkins.heartbeat_pass()]
    for line in results:
        logger.info("Heartbeat %s", line)
    return results


@shared_task(name="heartbeat.weekly_digest")
def weekly_digest() -> list[str]:
    """Send the owner last week's 📊 cost summary."""
    return weekly.weekly_digest_send()
