from celery import shared_task

from blufio import agent


@shared_task(name="blufio.process_update")
def process_update(update_id: int) -> None:
    """Answer one stored Telegram update."""
    agent.update_process(update_id=update_id)
