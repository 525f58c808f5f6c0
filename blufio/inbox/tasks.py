"""The inbox's Celery tasks: thin entry points named after the service they call.

Services never import this module, except `handoff`, which only queues tasks.
The registered names (`blufio.process_update`, `blufio.sweep_updates`) are kept: queued
messages and the beat schedule in the database refer to them.
"""

from celery import shared_task

from blufio.inbox.sweeper import updates_sweep
from blufio.inbox.worker import Handoff, update_process


@shared_task(name="blufio.process_update")
def update_process_task(update_id: int) -> None:
    """Answer the oldest waiting update of a stored update's chat; queue what it hands on
    (the chat's next update, a planned retry)."""
    update_process(update_id=update_id, hand_on=_hand_on)


def _hand_on(handoff: Handoff) -> None:
    update_process_task.apply_async((handoff.update_id,), countdown=handoff.delay)


@shared_task(name="blufio.sweep_updates")
def updates_sweep_task() -> int:
    """Queue updates that never reached a worker or whose worker died; returns how many."""
    waiting = updates_sweep()
    for update_id in waiting:
        update_process_task.delay(update_id)
    return len(waiting)
