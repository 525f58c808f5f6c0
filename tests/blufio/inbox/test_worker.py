"""A real Celery worker process takes the update from Redis and answers it."""

import time
from decimal import Decimal

import pytest
from django.conf import settings

from blufio.models import InboundUpdate
from costs.models import LedgerEntry
from tests.conftest import text_update


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
