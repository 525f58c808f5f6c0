"""A real Celery worker process takes the update from Redis and answers it."""

import os
import subprocess
import sys
import time
from decimal import Decimal

import pytest
import redis
from django.conf import settings
from django.db import connection

from blufio.celery import app as celery_app
from blufio.models import InboundUpdate
from costs.models import LedgerEntry
from tests.conftest import text_update


@pytest.fixture
def worker(prices, fake_claude, fake_telegram, tmp_path):
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "blufio.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SECRET_KEY": "worker-test-secret",
        "ANTHROPIC_API_KEY": settings.ANTHROPIC_API_KEY,
        "ANTHROPIC_BASE_URL": fake_claude.url,
        "TELEGRAM_BOT_TOKEN": settings.TELEGRAM_BOT_TOKEN,
        "TELEGRAM_API_BASE_URL": f"{fake_telegram.url}/bot",
        "TELEGRAM_ALLOWED_USER_IDS": "1001",
    }
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "blufio",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
        ],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while "ready." not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield process
    celery_app.conf.task_always_eager = was_eager
    process.terminate()
    process.wait(timeout=10)


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
