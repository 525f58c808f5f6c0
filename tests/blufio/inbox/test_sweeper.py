"""No lost updates: the broker may be down and a worker may die; the sweeper recovers both."""

import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from blufio.celery import app as celery_app
from blufio.inbox.sweeper import updates_sweep
from blufio.inbox.tasks import updates_sweep_task
from blufio.inbox.updates import update_receive
from blufio.models import InboundUpdate
from tests.conftest import text_update
from tests.helpers import answering_in_background, wait_for

pytestmark = pytest.mark.django_db


def age(update_id: int, minutes: int) -> None:
    """The update arrived, and if claimed was claimed, `minutes` ago."""
    then = timezone.now() - timedelta(minutes=minutes)
    InboundUpdate.objects.filter(update_id=update_id).update(received_at=then)
    InboundUpdate.objects.filter(update_id=update_id, claimed_at__isnull=False).update(
        claimed_at=then
    )


@pytest.fixture
def broker_down(switch_broker):
    eager = celery_app.conf.task_always_eager
    switch_broker("redis://127.0.0.1:1/0")  # nothing listens on port 1
    celery_app.conf.task_always_eager = False
    yield switch_broker
    celery_app.conf.task_always_eager = eager


def test_with_the_broker_down_the_update_is_kept_and_answered_later(
    post_update, fake_claude, fake_telegram, broker_down, caplog
):
    update = text_update("Hello while Redis is down")

    started = time.monotonic()
    response = post_update(update)

    assert response.status_code == 200
    assert time.monotonic() - started < 5
    assert InboundUpdate.objects.get().status == "received"
    assert fake_telegram.sent_texts() == []

    broker_down(os.environ["REDIS_URL"])  # the tests' own Redis again
    celery_app.conf.task_always_eager = True
    age(update["update_id"], minutes=2)
    assert updates_sweep_task() == 1

    assert fake_telegram.sent_texts() == ["Hello from Claude."]
    assert InboundUpdate.objects.get().status == "done"


def test_an_update_left_processing_by_a_dead_worker_is_retried(
    post_update, fake_claude, fake_telegram
):
    update = text_update("Answer me")
    InboundUpdate.objects.create(
        update_id=update["update_id"],
        raw=update,
        chat_id=1001,
        status="processing",
        attempts=1,
        claimed_at=timezone.now(),
    )
    age(update["update_id"], minutes=10)

    assert updates_sweep_task() == 1

    inbound = InboundUpdate.objects.get()
    assert (inbound.status, inbound.attempts) == ("done", 2)
    assert fake_telegram.sent_texts() == ["Hello from Claude."]


def test_fresh_updates_and_planned_retries_are_left_alone():
    fresh = text_update("just arrived")
    planned = text_update("retry later")
    InboundUpdate.objects.create(update_id=fresh["update_id"], raw=fresh, status="received")
    InboundUpdate.objects.create(
        update_id=planned["update_id"],
        raw=planned,
        status="received",
        next_attempt_at=timezone.now() + timedelta(minutes=4),
    )
    age(planned["update_id"], minutes=2)

    assert updates_sweep_task() == 0


def test_the_sweeper_runs_every_minute_from_beat():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="blufio.sweep_updates")
    assert (task.interval.every, task.interval.period, task.enabled) == (1, "minutes", True)


def test_a_hold_that_names_no_call_is_released():
    from decimal import Decimal

    from costs.models import BudgetWindow, Reservation
    from costs.services import budget_reserve

    reservation = budget_reserve(amount=Decimal("0.50"))
    Reservation.objects.filter(pk=reservation.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )

    updates_sweep_task()

    assert Reservation.objects.get().status == "released"
    assert BudgetWindow.objects.get().reserved_usd == 0


def test_a_paid_calls_hold_left_by_a_dead_worker_is_charged_and_recorded():
    from decimal import Decimal

    from costs.models import BudgetWindow, LedgerEntry, Reservation
    from costs.services import budget_reserve

    call = {"feature": "message", "intended_model": "claude-opus-5-5", "session_id": 7}
    reservation = budget_reserve(amount=Decimal("0.50"), call={**call, "actual_model": "x"})
    Reservation.objects.filter(pk=reservation.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )

    updates_sweep_task()

    assert Reservation.objects.get().status == "settled"
    window = BudgetWindow.objects.get()
    assert (window.reserved_usd, window.spent_usd) == (0, Decimal("0.50"))
    row = LedgerEntry.objects.get()
    assert (row.outcome, row.cost_usd, row.feature, row.session_id, row.actual_model) == (
        "interrupted",
        Decimal("0.50"),
        "message",
        7,
        "x",
    )


def waited_in_the_queue(update_id: int, minutes: int) -> None:
    """The update arrived `minutes` ago and no worker took it until now."""
    then = timezone.now() - timedelta(minutes=minutes)
    InboundUpdate.objects.filter(update_id=update_id).update(received_at=then, updated_at=then)


@pytest.mark.django_db(transaction=True)
def test_an_update_claimed_late_is_left_to_the_worker_answering_it(
    prices, fake_claude, fake_telegram
):
    update_id = update_receive(raw=text_update("hello after a long queue")).update_id
    waited_in_the_queue(update_id, minutes=10)
    fake_claude.delay = 1.0
    with answering_in_background(update_id):
        wait_for(lambda: len(fake_claude.calls) == 1)  # claimed just now, in the call

        assert updates_sweep() == []
        assert InboundUpdate.objects.get().status == "processing"

    assert InboundUpdate.objects.get().status == "done"
    assert fake_telegram.sent_texts() == ["Hello from Claude."]
    assert len(fake_claude.calls) == 1


@pytest.mark.django_db(transaction=True)
def test_an_answer_that_takes_long_is_not_revived_while_its_worker_holds_the_chat(
    prices, fake_claude, fake_telegram
):
    update_id = update_receive(raw=text_update("hello, slow Claude")).update_id
    fake_claude.delay = 1.0
    with answering_in_background(update_id):
        wait_for(lambda: len(fake_claude.calls) == 1)
        waited_in_the_queue(update_id, minutes=10)  # as if Claude took ten minutes
        InboundUpdate.objects.update(claimed_at=timezone.now() - timedelta(minutes=10))

        assert updates_sweep() == []
        assert InboundUpdate.objects.get().status == "processing"

    assert InboundUpdate.objects.get().status == "done"
    assert fake_telegram.sent_texts() == ["Hello from Claude."]
