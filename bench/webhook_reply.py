"""End-to-end reply latency: webhook POST -> task -> fake Claude -> fake Telegram.

Runs in one process with eager tasks against PostgreSQL (database `blufio_bench`,
created if missing) and the loopback fakes, through the real SDKs. Prints p50/p99
per message and messages per second. Not a test; numbers only.

    .venv/bin/python bench/webhook_reply.py [--messages 200]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/blufio_bench"
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = 'blufio_bench'").fetchone():
            db.execute("CREATE DATABASE blufio_bench")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from blufio.models import ChatMessage, InboundUpdate
    from costs.models import BudgetWindow, LedgerEntry, Reservation
    from tests.conftest import text_update
    from tests.fakes.anthropic import FakeAnthropic
    from tests.fakes.telegram import FakeTelegram

    call_command("migrate", verbosity=0)
    for model in (ChatMessage, InboundUpdate, LedgerEntry, Reservation):
        model.objects.all().delete()
    BudgetWindow.objects.all().delete()
    claude, telegram = FakeAnthropic().start(), FakeTelegram().start()
    settings.ANTHROPIC_BASE_URL = claude.url
    settings.TELEGRAM_API_BASE_URL = f"{telegram.url}/bot"
    client = Client(SERVER_NAME="localhost")
    headers = {"X-Telegram-Bot-Api-Secret-Token": settings.TELEGRAM_WEBHOOK_SECRET}

    def post(text: str) -> None:
        client.post(
            "/telegram/webhook/",
            data=text_update(text),
            content_type="application/json",
            headers=headers,
        )

    post("warm-up")
    timings = []
    started = time.perf_counter()
    for number in range(args.messages):
        before = len(telegram.sent_texts())
        t0 = time.perf_counter()
        post(f"Question number {number}: what should I cook tonight?")
        timings.append((time.perf_counter() - t0) * 1000)
        assert len(telegram.sent_texts()) == before + 1, "no reply reached the fake Telegram"
    elapsed = time.perf_counter() - started

    print(f"messages: {args.messages} (each: webhook, context, Claude call, ledger, reply)")
    print(
        f"p50 {statistics.median(timings):.1f} ms  p99 {percentile(timings, 0.99):.1f} ms  "
        f"max {max(timings):.1f} ms"
    )
    print(f"throughput: {args.messages / elapsed:.1f} messages/s on one process")
    print(f"ledger rows: {LedgerEntry.objects.count()}")
    claude.stop()
    telegram.stop()


if __name__ == "__main__":
    main()
