"""A worker killed mid-call: its update is answered once by another worker, its hold released."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from blufio.celery import app as celery_app
from blufio.inbox import handoff
from blufio.inbox.tasks import updates_sweep_task
from blufio.models import InboundUpdate
from costs.models import BudgetWindow, LedgerEntry, Reservation
from tests.conftest import text_update
from tests.helpers import post

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
    InboundUpdate.objects.update(received_at=ten_minutes_ago, claimed_at=ten_minutes_ago)
    Reservation.objects.update(created_at=ten_minutes_ago)
    celery_app.conf.task_always_eager = False
    assert updates_sweep_task() == 1

    wait_for(lambda: InboundUpdate.objects.get().status == "done")
    assert fake_telegram.sent_texts() == ["Hello from Claude."]
    answered = LedgerEntry.objects.get(outcome="ok")
    assert answered.cost_usd == Decimal("0.00027")  # one Haiku reply
    # Claude may have billed the call the dead worker was waiting for: its worst case is
    # charged and in the ledger, so the budget and the ledger still agree.
    interrupted = LedgerEntry.objects.get(outcome="interrupted")
    held = Reservation.objects.get(status="settled", cost_usd=interrupted.cost_usd)
    assert interrupted.feature == "message" and interrupted.actual_model == "claude-haiku-5-5"
    assert interrupted.cost_usd > answered.cost_usd
    window = BudgetWindow.objects.get()
    assert window.reserved_usd == 0
    assert window.spent_usd == answered.cost_usd + held.amount_usd


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of this test's own, on a free port, that the test may stop."""
    import socket
    import subprocess

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(tmp_path),
    ]

    def start():
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for(
            lambda: (
                subprocess.run(
                    ["redis-cli", "-p", str(port), "ping"], capture_output=True
                ).returncode
                == 0
            )
        )
        return server

    servers = [start()]

    def stop():
        servers[-1].terminate()
        servers[-1].wait(timeout=10)

    yield {
        "url": f"redis://127.0.0.1:{port}/0",
        "start": lambda: servers.append(start()),
        "stop": stop,
    }
    for server in servers:
        server.terminate()


def test_updates_that_arrive_while_redis_is_stopped_are_answered_after_it_returns(
    private_redis, switch_broker, start_worker, fake_claude, fake_telegram, monkeypatch
):
    monkeypatch.setattr(handoff, "BROKER_PAUSE_SECONDS", 1.0)
    switch_broker(private_redis["url"])
    start_worker(broker_url=private_redis["url"])
    private_redis["stop"]()

    started = time.monotonic()
    for n in range(3):
        assert post(text_update(f"are you there? {n}")) == 200
    assert time.monotonic() - started < 5
    assert set(InboundUpdate.objects.values_list("status", flat=True)) == {"received"}

    private_redis["start"]()
    InboundUpdate.objects.update(received_at=timezone.now() - timedelta(minutes=2))
    assert updates_sweep_task() == 3
    wait_for(lambda: InboundUpdate.objects.filter(status="done").count() == 3, timeout=60)
    assert fake_telegram.sent_texts() == ["Hello from Claude."] * 3
    assert [call.params["messages"][-1]["content"] for call in fake_claude.calls] == [
        f"are you there? {n}" for n in range(3)
    ]

    time.sleep(1)  # the pause is over: the next update goes straight to a worker
    assert post(text_update("back?")) == 200
    wait_for(lambda: InboundUpdate.objects.filter(status="done").count() == 4, timeout=60)
    assert LedgerEntry.objects.filter(outcome="ok").count() == 4
