from celery import shared_task

from blufio import agent


@shared_task(name="blufio.process_update")
def process_update(update_id: int) -> None:
    """Answer one stored Telegram update."""
    agent.update_process(update_id=update_id)


@shared_task(name="blufio.sweep_updates")
def sweep_updates() -> int:
    """Enqueue updates that never reached a worker or whose worker died."""
    from blufio.updates import updates_sweep  # here: updates enqueues this module's tasks

    return updates_sweep()
