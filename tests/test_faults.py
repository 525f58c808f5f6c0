"""A worker killed mid-call: its update is answered once by another worker, its hold released."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from blufio.celery import app as celery_app
from blufio.models import InboundUpdate
from blufio.updates import updates_sweep
from costs.models import BudgetWindow, LedgerEntry, Reservation
from tests.conftest import text_update
from tests.test_concurrency import post

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def test_a_worker_killed_during_the_claude_call_leaves_the_update_to_be_answered_once(
    start_worker, fake_claude, fake_telegram
):
    fake_claude.delay = 30  # the first worker dies while Claude is "thinking"
    first = start_worker()
    assert post(text_update("please survive this")) == 200
    wait_for(lambda: len(fake_claude.calls) == 1)

    first.kill()
    first.wait(timeout=10)

    inbound = InboundUpdate.objects.get()
    assert inbound.status == "processing"
    assert Reservation.objects.get().status == "held"

    fake_claude.delay = 0
    start_worker()
    ten_minutes_ago = timezone.now() - timedelta(minutes=10)
    InboundUpdate.objects.update(updated_at=ten_minutes_ago)
    Reservation.objects.update(created_at=ten_minutes_ago)
    celery_app.conf.task_always_eager = False
    assert updates_sweep() == 1

    wait_for(lambda: InboundUpdate.objects.get().status == "done")
    assert fake_telegram.sent_texts() == ["Hello from Claude."]
    assert LedgerEntry.objects.filter(outcome="ok").count() == 1
    window = BudgetWindow.objects.get()
    assert window.reserved_usd == 0
    assert window.spent_usd == Decimal("0.00027")  # one Haiku reply; the dead hold is gone
