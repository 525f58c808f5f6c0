import importlib
import itertools
import json
import os
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from tests.fakes.anthropic import FakeAnthropic
from tests.fakes.ollama import MODEL as LOCAL_MODEL
from tests.fakes.ollama import FakeOllama
from tests.fakes.telegram import FakeTelegram

OWNER_ID = 1001
OWNER_CHAT_ID = 1001
STRANGER_ID = 4242
_update_ids = itertools.count(100_000)


@pytest.fixture(autouse=True)
def _fresh_broker_state(monkeypatch):
    """Wake-up flags (in Redis) and a web process's pause after a broker failure live
    outside the test database: neither carries over from one test to the next."""
    from blufio.inbox import handoff

    client = redis.Redis.from_url(django_settings.REDIS_URL)
    keys = list(client.scan_iter("blufio:wake:*"))
    if keys:
        client.delete(*keys)
    monkeypatch.setattr(handoff, "_broker_paused_until", 0.0)


@pytest.fixture(scope="session")
def _claude_server():
    server = FakeAnthropic().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _telegram_server():
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _ollama_server():
    server = FakeOllama().start()
    yield server
    server.stop()


@pytest.fixture
def fake_ollama(_ollama_server, settings):
    """The fake Ollama API as the local model (LOCAL_MODEL_URL, LOCAL_MODEL_NAME), reached
    by the official `ollama` client over HTTP."""
    _ollama_server.reset()
    settings.LOCAL_MODEL_URL = _ollama_server.url
    settings.LOCAL_MODEL_NAME = LOCAL_MODEL
    return _ollama_server


@pytest.fixture
def fake_claude(_claude_server, settings):
    """The fake Messages API, reached by the real `anthropic` SDK over HTTP."""
    _claude_server.reset()
    settings.ANTHROPIC_BASE_URL = _claude_server.url
    return _claude_server


@pytest.fixture
def fake_telegram(_telegram_server, settings):
    """The fake Bot API, reached by python-telegram-bot over HTTP."""
    _telegram_server.reset()
    settings.TELEGRAM_API_BASE_URL = f"{_telegram_server.url}/bot"
    settings.TELEGRAM_FILE_BASE_URL = f"{_telegram_server.url}/file/bot"
    return _telegram_server


def text_update(text: str, *, user_id: int = OWNER_ID, update_id: int | None = None) -> dict:
    """A Telegram update carrying a private text message."""
    update_id = next(_update_ids) if update_id is None else update_id
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id % 100_000 + 1,
            "date": 1_790_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Owner"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Owner"},
            "text": text,
        },
    }


def button_update(
    data: str, *, message_id: int, user_id: int = OWNER_ID, update_id: int | None = None
) -> dict:
    """A Telegram update carrying the owner's press on a button under our message."""
    update_id = next(_update_ids) if update_id is None else update_id
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cbq{update_id}",
            "from": {"id": user_id, "is_bot": False, "first_name": "Owner"},
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": 1_790_000_000,
                "chat": {"id": user_id, "type": "private", "first_name": "Owner"},
                "from": {"id": 999, "is_bot": True, "first_name": "Blufio"},
                "text": "an earlier reply",
            },
        },
    }


@pytest.fixture
def post_update(client, settings, django_capture_on_commit_callbacks):
    """POST an update to the webhook as Telegram would, running the enqueued task."""

    def post(body, *, secret: str | None = None, raw: bool = False):
        header = settings.TELEGRAM_WEBHOOK_SECRET if secret is None else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": header} if header else {}
        data = body if raw else json.dumps(body)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/telegram/webhook/", data=data, content_type="application/json", headers=headers
            )

    return post


@pytest.fixture
def staff(client, db):
    """The test client, logged in as a staff user (the owner)."""
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("owner", is_staff=True))
    return client


@pytest.fixture
def prices(transactional_db):
    """The seeded price table again: transactional tests start from an emptied database."""
    from django.apps import apps

    for migration in ("0002_seed_prices", "0012_model_capabilities", "0017_min_cacheable_tokens"):
        importlib.import_module(f"costs.migrations.{migration}").seed(apps, None)


def _service_env(fake_claude, fake_telegram) -> dict:
    """The environment of a worker or beat process: the test database, Redis and the fakes."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "blufio.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": django_settings.REDIS_URL,
        "DJANGO_SECRET_KEY": "worker-test-secret",
        "ANTHROPIC_API_KEY": django_settings.ANTHROPIC_API_KEY,
        "ANTHROPIC_BASE_URL": fake_claude.url,
        "TELEGRAM_BOT_TOKEN": django_settings.TELEGRAM_BOT_TOKEN,
        "TELEGRAM_API_BASE_URL": f"{fake_telegram.url}/bot",
        "TELEGRAM_ALLOWED_USER_IDS": "1001",
    }


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=20)


@pytest.fixture
def start_worker(prices, fake_claude, fake_telegram, tmp_path):
    """Start real Celery worker processes consuming from Redis, against the test database."""
    from blufio.celery import app as celery_app

    redis.Redis.from_url(django_settings.REDIS_URL).flushdb()
    env = _service_env(fake_claude, fake_telegram)
    processes = []
    was_eager = celery_app.conf.task_always_eager

    def start(
        pool: str = "solo", concurrency: int = 1, broker_url: str | None = None, **settings: str
    ):
        """Start one worker; `settings` are more environment variables for it."""
        log = tmp_path / f"worker{len(processes)}.log"
        if broker_url:
            env["REDIS_URL"] = broker_url
        env.update(settings)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "blufio",
                "worker",
                f"--pool={pool}",
                f"--concurrency={concurrency}",
                f"--hostname=w{len(processes)}@%h",
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
        processes.append(process)
        deadline = time.monotonic() + 30
        while "ready." not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        celery_app.conf.task_always_eager = False
        return process

    yield start
    celery_app.conf.task_always_eager = was_eager
    _stop(processes)


@pytest.fixture
def start_beat(start_worker, fake_claude, fake_telegram, tmp_path):
    """Start a real `celery beat` with django-celery-beat's database scheduler."""
    processes = []

    def start():
        log = tmp_path / "beat.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "blufio", "beat", "-l", "info"]
            + ["--max-interval", "1", "--pidfile", str(tmp_path / "beat.pid")],
            env=_service_env(fake_claude, fake_telegram),
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        return process

    yield start
    _stop(processes)


@pytest.fixture
def switch_broker(settings):
    """Point this process at another Redis, the broker and the wake-up flags (its cached
    pools are dropped)."""
    from blufio.celery import app as celery_app

    original = celery_app.conf.broker_url

    def switch(url: str) -> None:
        settings.REDIS_URL = url
        celery_app.conf.broker_url = url
        celery_app._pool = None  # kombu's shared pools still hold the old connections
        celery_app.amqp._producer_pool = None

    yield switch
    switch(original)
