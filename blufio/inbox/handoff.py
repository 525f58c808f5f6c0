"""Handing a stored update to a worker: one queued task per chat (see `wakeups`), and a
pause after the broker refuses, since the sweeper hands waiting updates on anyway."""

import logging
import time

from blufio.inbox.tasks import update_process_task
from blufio.inbox.wakeups import wake_claim, wake_clear

logger = logging.getLogger(__name__)

# After the broker refuses once, a web process stops trying for a while: each try can
# hold it for the connect timeout, and the sweeper hands the waiting updates on anyway.
BROKER_PAUSE_SECONDS = 15.0
_broker_paused_until = 0.0


def update_enqueue(update_id: int, chat_id: int) -> None:
    """Queue a task for the update's chat unless one is queued already (see `wakeups`).

    If the broker refuses, or refused a moment ago, the update waits in the database
    for the sweeper.
    """
    global _broker_paused_until
    if time.monotonic() < _broker_paused_until:
        return
    claimed = False
    try:
        claimed = wake_claim(chat_id)
        if claimed:
            update_process_task.delay(update_id)
    except Exception as exc:  # Redis's, or whatever the broker's transport raises
        _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
        if claimed:
            wake_clear(chat_id)  # no task is on its way: the next update tries again
        logger.warning(
            "Update %s waits for the sweeper: the broker refused it (%s)",
            update_id,
            type(exc).__name__,
        )
