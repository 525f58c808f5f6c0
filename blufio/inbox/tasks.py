"""The inbox's Celery tasks: thin entry points named after the service they call.

Services never import this module, except `handoff`, which only queues tasks.
The registered names (`blufio.process_update`, `blufio.sweep_updates`) are kept: queued
messages and the beat schedule in the database refer to them.
"""

from celery import shared_task
from celery.signals import after_task_publish, beat_init
from django.db import close_old_connections

from blufio.inbox.sweeper import beat_sent_stamp, updates_sweep
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


@beat_init.connect
def _beat_stamps_its_sweeps(**kwargs) -> None:
    """In the beat process only: each sweep beat sends is stamped, so the health check
    tells beat apart from the workers that run the sweep."""
    after_task_publish.connect(_sweep_sent, weak=False)


def _sweep_sent(sender: str | None = None, **kwargs) -> None:
    if sender == updates_sweep_task.name:
        close_old_connections()  # beat has no requests to drop a broken connection
        beat_sent_stamp()
