"""For real: celery beat's database schedule fires the heartbeat, a worker process runs it,
and the 🔔 reaches the fake Telegram server; later beats find nothing new and stay quiet."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from blufio.models import ChatSession
from costs.models import LedgerEntry
from heartbeat.models import CheckIn, PendingItem
from tests.conftest import OWNER_CHAT_ID
from tests.helpers import quiet_hours_off


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_beat_fires_the_heartbeat_through_a_worker_and_the_owner_gets_one_bell(
    start_worker, start_beat, fake_claude, fake_telegram, tmp_path
):
    quiet_hours_off()
    session = ChatSession.objects.create(
        chat_id=OWNER_CHAT_ID, user_id=OWNER_CHAT_ID, last_message_at=timezone.now()
    )
    PendingItem.objects.create(
        session=session,
        kind="reminder",
        text="Call mom",
        due_at=timezone.now() - timedelta(minutes=1),
    )
    every_2_seconds = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name="Heartbeat pass",
        defaults={"task": "heartbeat.run_pass", "interval": every_2_seconds},
    )
    fake_claude.text = "Time to call mom."
    start_worker()

    start_beat()

    # Generous waits (they end as soon as the bell rings): a worker and a beat starting on
    # a loaded 2-core machine can take half a minute before the first pass.
    assert fake_telegram.wait_for_message(timeout=90) == ["🔔 Time to call mom."]
    deadline = time.monotonic() + 60
    while passes_run(tmp_path) < 4 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert passes_run(tmp_path) >= 4
    assert fake_telegram.sent_texts() == ["🔔 Time to call mom."]
    assert len(fake_claude.calls) == 1
    assert LedgerEntry.objects.get().feature == "heartbeat"
    assert CheckIn.objects.get().outcome == "sent"


def passes_run(tmp_path) -> int:
    """Heartbeat passes the worker finished, from its log."""
    log = (tmp_path / "worker0.log").read_text()
    return sum("heartbeat.run_pass[" in line and "succeeded" in line for line in log.splitlines())
