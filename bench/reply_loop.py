"""The loop the reply benches share (`webhook_reply.py`, `stream_reply.py`): Blufio in
this process with eager tasks against PostgreSQL (a bench database, created if missing),
the loopback fakes of Claude and Telegram reached through the real SDKs, and webhook
POSTs through Django's test client, each timed with what the fakes received for it."""

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ensure_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f"CREATE DATABASE {name}")


@dataclass
class Answered:
    """One message's webhook POST and what it caused, in `time.perf_counter` seconds."""

    started: float
    returned: float  # tasks run inline: the whole reply, and the memory step after it
    telegram: list  # the fake Telegram's requests (`Recorded`) meanwhile
    claude: list  # the fake Claude's

    def telegram_at(self, method: str) -> list[float]:
        """When each call of `method` reached Telegram, in milliseconds after the POST."""
        return [
            (r.at - self.started) * 1000 for r in self.telegram if r.path.endswith(f"/{method}")
        ]


class Loop:
    def __init__(self, claude, telegram, post) -> None:
        self.claude, self.telegram, self.post = claude, telegram, post

    def answer(self, text: str) -> Answered:
        """POST the owner's message to the webhook and wait for the whole reply."""
        self.telegram.reset()
        before = len(self.claude.requests)
        started = time.perf_counter()
        self.post(text)
        returned = time.perf_counter()
        return Answered(
            started, returned, list(self.telegram.requests), self.claude.requests[before:]
        )


@contextmanager
def reply_loop(database: str) -> Iterator[Loop]:
    """Blufio on an emptied bench database with both fakes started, warmed up by one
    message (imports, the URLconf, the first connections)."""
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    ensure_database(database)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from blufio.models import ChatMessage, ChatSession, InboundUpdate
    from costs.models import BudgetWindow, LedgerDay, LedgerEntry, Reservation
    from tests.conftest import text_update
    from tests.fakes.anthropic import FakeAnthropic
    from tests.fakes.telegram import FakeTelegram

    call_command("migrate", verbosity=0)
    for model in (ChatMessage, ChatSession, InboundUpdate, LedgerEntry, LedgerDay, Reservation):
        model.objects.all().delete()
    BudgetWindow.objects.all().delete()
    claude, telegram = FakeAnthropic().start(), FakeTelegram().start()
    settings.ANTHROPIC_BASE_URL = claude.url
    settings.TELEGRAM_API_BASE_URL = f"{telegram.url}/bot"
    settings.TELEGRAM_FILE_BASE_URL = f"{telegram.url}/file/bot"  # photos and PDFs
    client = Client(SERVER_NAME="localhost")
    headers = {"X-Telegram-Bot-Api-Secret-Token": settings.TELEGRAM_WEBHOOK_SECRET}

    def post(text: str) -> None:
        client.post(
            "/telegram/webhook/",
            data=text_update(text),
            content_type="application/json",
            headers=headers,
        )

    loop = Loop(claude, telegram, post)
    loop.answer("warm-up")
    try:
        yield loop
    finally:
        claude.stop()
        telegram.stop()
