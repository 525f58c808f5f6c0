"""The per-chat worker: a real Celery worker process answers an update from Redis; a
backlog is answered one update per task, and a busy chat is handed on, not polled."""

import re
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import OperationalError

from blufio.conversation import texts
from blufio.inbox import worker as worker_loop
from blufio.inbox.updates import update_receive
from blufio.inbox.worker import Handoff, update_process
from blufio.models import InboundUpdate
from costs.models import LedgerEntry
from tests.conftest import text_update
from tests.helpers import answering_in_background, post, wait_for, wait_until_settled


@pytest.fixture
def worker(start_worker):
    return start_worker()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_answers_an_update_from_redis(worker, client, fake_claude, fake_telegram):
    update = text_update("Hello, worker")
    client.get("/healthz")  # the first request imports the URLconf; time a warm one

    started = time.monotonic()
    response = client.post(
        "/telegram/webhook/",
        data=update,
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": settings.TELEGRAM_WEBHOOK_SECRET},
    )
    acknowledged = time.monotonic() - started

    assert response.status_code == 200
    assert acknowledged < 0.5
    assert fake_telegram.wait_for_message() == ["Hello from Claude."]
    assert worker.poll() is None
    assert len(fake_claude.calls) == 1
    entry = LedgerEntry.objects.get()
    # A greeting goes to Haiku: 1,200 input tokens at $0.10/M + 300 output at $0.50/M.
    assert (entry.actual_model, entry.cost_usd) == ("claude-haiku-5-5", Decimal("0.00027"))
    deadline = time.monotonic() + 10
    while InboundUpdate.objects.get().status != "done" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert InboundUpdate.objects.get().status == "done"


def store(text: str) -> int:
    """An update stored as the webhook stores it (no task queued); its update_id."""
    return update_receive(raw=text_update(text)).update_id


def process(update_id: int) -> list[Handoff]:
    """What `update_process` hands on after answering the update's chat."""
    handed: list[Handoff] = []
    update_process(update_id=update_id, hand_on=handed.append)
    return handed


def statuses() -> list[str]:
    return list(InboundUpdate.objects.order_by("update_id").values_list("status", flat=True))


def replies(fake_claude) -> list[str]:
    """What the owner asked in each reply call (memory extraction calls offer tools)."""
    return [
        c.params["messages"][-1]["content"] for c in fake_claude.calls if "tools" not in c.params
    ]


@pytest.mark.django_db
def test_a_task_answers_one_update_of_a_backlog_and_hands_the_chat_on(fake_claude, fake_telegram):
    first, second, third = store("hello one"), store("hello two"), store("hello three")

    handoffs = process(first)

    assert handoffs == [Handoff(second, 0)]
    assert fake_telegram.sent_texts() == ["Hello from Claude."]
    assert statuses() == ["done", "received", "received"]
    assert process(second) == [Handoff(third, 0)]
    assert process(third) == []
    assert replies(fake_claude) == ["hello one", "hello two", "hello three"]


@pytest.mark.django_db(transaction=True)
def test_a_task_that_finds_the_chat_busy_ends_and_the_busy_worker_hands_the_chat_on(
    prices, fake_claude, fake_telegram
):
    fake_claude.delay = 1.0
    first = store("hello one")
    with answering_in_background(first) as busy:
        wait_for(lambda: len(fake_claude.calls) == 1)  # the other worker is in its call
        second = store("hello two")

        assert process(second) == []  # no task asks again in 2 s, and again

    assert busy["handoffs"] == [Handoff(second, 0)]  # what arrived meanwhile is handed on
    assert statuses() == ["done", "received"]
    assert process(second) == []
    assert fake_telegram.sent_texts() == ["Hello from Claude."] * 2
    assert replies(fake_claude) == ["hello one", "hello two"]


def test_no_time_limit_can_fire_inside_a_paid_call():
    from blufio.celery import app as celery_app
    from blufio.clients.anthropic import call_seconds_bound
    from blufio.inbox.tasks import update_process_task
    from routing.tiers import TIERS

    # A soft limit raises inside the SDK, which takes it for a dropped connection and
    # sends the request again: a second call, billed, with one ledger row.
    assert celery_app.conf.task_soft_time_limit is None
    assert update_process_task.soft_time_limit is None
    # A task answers one update: every tier of its fallback chain may take the longest call.
    assert update_process_task.time_limit > len(TIERS) * call_seconds_bound() + 60


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_long_backlog_is_answered_in_order_one_update_per_task(
    start_worker, fake_claude, fake_telegram, tmp_path
):
    from blufio.celery import app as celery_app

    fake_claude.delay = 0.5
    celery_app.conf.task_always_eager = False  # no worker yet: the backlog builds up
    for n in range(8):
        assert post(text_update(f"hello {n}")) == 200

    start_worker()
    wait_until_settled(8)

    assert replies(fake_claude) == [f"hello {n}" for n in range(8)]
    assert fake_telegram.sent_texts() == ["Hello from Claude."] * 8

    def runs() -> list[float]:
        """How long each task took, as the worker logs it (once the task has returned)."""
        log = (tmp_path / "worker0.log").read_text()
        found = re.findall(r"blufio.process_update\[[^]]+\] succeeded in ([\d.]+)s", log)
        return [float(seconds) for seconds in found]

    wait_for(lambda: sum(runs()) >= 8 * fake_claude.delay)  # every answer's task has returned
    assert len(runs()) <= 10  # one per update, and at most a busy or empty look or two
    # One answer (0.5 s of Claude) per task, never the whole backlog (8 × 0.5 s); the
    # margin is for a loaded machine.
    assert max(runs()) < 6 * fake_claude.delay


@pytest.mark.django_db
def test_a_crash_answering_an_update_still_hands_the_chat_on_and_answers_nothing_twice(
    fake_claude, fake_telegram, monkeypatch
):
    crashing, waiting = store("hello crash"), store("hello two")
    answer = worker_loop.update_answer

    def answer_unless_crashing(update):
        if update.message.text == "hello crash":
            raise RuntimeError("a bug in answering")
        return answer(update)

    monkeypatch.setattr(worker_loop, "update_answer", answer_unless_crashing)
    handed: list[Handoff] = []

    with pytest.raises(RuntimeError):
        update_process(update_id=crashing, hand_on=handed.append)

    assert handed == [Handoff(waiting, 0)]  # the next update need not wait for the sweeper
    assert statuses() == ["failed", "received"]
    assert process(waiting) == []
    assert process(crashing) == []  # handed on twice: the failed update is not taken again
    assert statuses() == ["failed", "done"]
    assert fake_telegram.sent_texts() == [texts.ERROR_REPLY, "Hello from Claude."]
    assert replies(fake_claude) == ["hello two"]


@pytest.mark.django_db
def test_a_database_hiccup_answering_an_update_is_retried_and_answered_once(
    fake_claude, fake_telegram, monkeypatch
):
    update_id = store("hello hiccup")
    answer, failures = worker_loop.update_answer, []

    def answer_after_a_hiccup(update):
        if not failures:
            failures.append(1)
            raise OperationalError("database is locked")
        return answer(update)

    monkeypatch.setattr(worker_loop, "update_answer", answer_after_a_hiccup)

    [retry] = process(update_id)

    assert retry.update_id == update_id and retry.delay > 0
    inbound = InboundUpdate.objects.get()
    assert (inbound.status, inbound.result) == ("received", "retrying")
    assert fake_telegram.sent_texts() == []  # a hiccup is not worth a message
    InboundUpdate.objects.update(next_attempt_at=None)  # the retry is due
    process(update_id)
    assert statuses() == ["done"]
    assert fake_telegram.sent_texts() == ["Hello from Claude."]
    assert replies(fake_claude) == ["hello hiccup"]
