"""Time to first visible text: webhook POST -> task -> fake Claude streaming at a realistic
pace -> drafts and the final message on the fake Telegram.

An Opus-routed question each time; the fake Claude waits `--first-token` seconds before
its first event, then writes `--tokens-per-second` (four characters a token, four tokens
a delta). Runs in one process with eager tasks against PostgreSQL (database
`blufio_stream_bench`, created if missing) and the loopback fakes, through the real SDKs.
Prints time to first draft and to the final message, p50/p99. Not a test; numbers only.

    .venv/bin/python bench/stream_reply.py [--messages 20] [--first-token 0.5]
"""

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATABASE = "blufio_stream_bench"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

QUESTION = "prove that there are infinitely many primes of the form 4k+3"
CHARS_PER_TOKEN = 4
TOKENS_PER_DELTA = 4
PARAGRAPH = (
    "Suppose there are only **finitely many** primes of the form 4k+3, say p1, …, pn. "
    "Consider N = 4·p1·…·pn − 1, which is itself of the form 4k+3 and odd.\n\n"
)


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            db.execute(f"CREATE DATABASE {DATABASE}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--first-token", type=float, default=0.5, help="seconds")
    parser.add_argument("--tokens-per-second", type=float, default=50)
    parser.add_argument("--answer-chars", type=int, default=1200)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from blufio.models import ChatMessage, ChatSession, InboundUpdate
    from costs.models import BudgetWindow, LedgerEntry, Reservation
    from tests.conftest import text_update
    from tests.fakes.anthropic import FakeAnthropic, thinks
    from tests.fakes.telegram import FakeTelegram

    call_command("migrate", verbosity=0)
    for model in (ChatMessage, ChatSession, InboundUpdate, LedgerEntry, Reservation):
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

    post("warm-up")  # imports, the URLconf, the first connections
    claude.text = (PARAGRAPH * (args.answer_chars // len(PARAGRAPH) + 1))[: args.answer_chars]
    claude.stream_first_delay = args.first_token
    claude.stream_chunk_chars = CHARS_PER_TOKEN * TOKENS_PER_DELTA
    claude.stream_delta_delay = TOKENS_PER_DELTA / args.tokens_per_second
    first_draft, final, drafts, asked, claude_first_text = [], [], [], [], []
    for _ in range(args.messages):
        telegram.reset()
        before = len(claude.requests)
        started = time.perf_counter()
        post(QUESTION)
        call = claude.requests[before]
        asked.append((call.at - started) * 1000)
        # The fake's own wait before its first text delta: the first token, then a
        # thinking block's deltas (a model that thinks writes them first) and its own.
        thinking = math.ceil(len(claude.thinking_text) / claude.stream_chunk_chars) + 1
        deltas = (thinking if thinks(call.params) else 0) + 1
        claude_first_text.append(args.first_token + deltas * claude.stream_delta_delay)
        shown = [r.at for r in telegram.requests if r.path.endswith("/sendMessageDraft")]
        sent = [r.at for r in telegram.requests if r.path.endswith("/sendMessage")]
        assert shown and len(sent) == 1, "no drafts, or not one final message"
        first_draft.append((shown[0] - started) * 1000)
        final.append((sent[0] - started) * 1000)
        drafts.append(len(shown))
    answers = LedgerEntry.objects.filter(feature="message").order_by("created_at")[1:]
    tiers = sorted({entry.actual_model for entry in answers})  # after the warm-up
    first_text = statistics.median(claude_first_text)
    writing = args.answer_chars / CHARS_PER_TOKEN / args.tokens_per_second

    print(
        f"messages: {args.messages}, routed to {', '.join(tiers)}; fake Claude: first token "
        f"after {args.first_token * 1000:.0f} ms, {args.tokens_per_second:.0f} tokens/s, "
        f"{args.answer_chars} characters ({writing:.1f} s of writing)"
    )
    print(
        f"time to first draft:   p50 {statistics.median(first_draft):7.1f} ms  "
        f"p99 {percentile(first_draft, 0.99):7.1f} ms  "
        f"(of which the fake Claude's first text, thinking first: {first_text * 1000:.0f} ms)"
    )
    print(
        f"webhook to Claude call: p50 {statistics.median(asked):6.1f} ms  "
        f"p99 {percentile(asked, 0.99):6.1f} ms"
    )
    print(
        f"time to final message: p50 {statistics.median(final):7.1f} ms  "
        f"p99 {percentile(final, 0.99):7.1f} ms"
    )
    print(f"drafts per reply: {statistics.mean(drafts):.1f} (at most one a second)")
    claude.stop()
    telegram.stop()


if __name__ == "__main__":
    main()
