"""Dashboard server time with 100,000 ledger rows. Not a test: prints numbers.

Seeds PostgreSQL database `blufio_bench` (created if missing) with 100,000 ledger
rows over 60 days and the owner's verdicts on every 20th routed message, then times
the dashboard view (all panels), the period switch and the routing-quality panel
through Django's test client, measuring server time only.

    .venv/bin/python bench/dashboard_bench.py [--rows 100000]
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/blufio_bench"
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

from reply_loop import ensure_database, percentile  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    ensure_database("blufio_bench")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from costs.models import LedgerEntry
    from costs.services import ledger_days_rebuild

    call_command("migrate", verbosity=0)
    if LedgerEntry.objects.count() != args.rows:
        LedgerEntry.objects.all().delete()
        now, rng = timezone.now(), random.Random(7)
        models = [
            ("claude-haiku-5-5", "haiku"),
            ("claude-sonnet-5-5", "sonnet"),
            ("claude-opus-5-5", "opus"),
        ]
        batch = []
        for _ in range(args.rows):
            model, tier = rng.choice(models)
            batch.append(
                LedgerEntry(
                    created_at=now - timedelta(minutes=rng.randrange(60 * 24 * 60)),
                    feature=rng.choice(["message"] * 8 + ["extraction", "heartbeat"]),
                    intended_model=model,
                    actual_model=model,
                    tier=tier,
                    intended_tier=tier,
                    reason=rng.choice([""] * 18 + ["budget_downgrade", "budget_haiku_only"]),
                    input_tokens=rng.randrange(200, 4000),
                    output_tokens=rng.randrange(50, 1500),
                    cost_usd=Decimal(rng.randrange(10, 50_000)) / Decimal(1_000_000),
                    routing_reasons=["bench"],
                )
            )
            if len(batch) == 5000:
                LedgerEntry.objects.bulk_create(batch)
                batch.clear()
        LedgerEntry.objects.bulk_create(batch)
        # Spread the rows evenly over the 60 days.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE costs_ledgerentry "
                "SET created_at = now() - (id % 86400) * interval '1 minute'"
            )
        ledger_days_rebuild()  # bulk_create bypassed the running totals
    verdicts_seed(share=20)
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True})
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    for label, url, headers in (
        ("full page, 30 days", "/dashboard/?period=30d", {}),
        (
            "period switch, this month",
            "/dashboard/?period=month",
            {"HX-Request": "true", "HX-Target": "summary"},
        ),
        ("decisions poll", "/dashboard/decisions/", {"HX-Request": "true"}),
        ("routing-quality panel", "/dashboard/routing-quality/", {"HX-Request": "true"}),
    ):
        client.get(url, headers=headers)
        timings = []
        for _ in range(30):
            start = time.perf_counter()
            response = client.get(url, headers=headers)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        print(
            f"{label:<28} p50 {statistics.median(timings):6.1f} ms  "
            f"p99 {percentile(timings, 0.99):6.1f} ms"
        )
    print(f"ledger rows: {LedgerEntry.objects.count():,}")
    from blufio.models import RoutingFeedback

    print(f"verdicts: {RoutingFeedback.objects.count():,}")


def verdicts_seed(*, share: int) -> None:
    """A verdict on every `share`-th routed message (once), on a message of its own."""
    from blufio.models import ChatMessage, ChatSession, RoutingFeedback
    from costs.models import LedgerEntry

    if RoutingFeedback.objects.exists():
        return
    session, _ = ChatSession.objects.get_or_create(chat_id=1, defaults={"user_id": 1})
    entries = list(LedgerEntry.objects.filter(feature="message").order_by("id")[::share])
    messages = ChatMessage.objects.bulk_create(
        ChatMessage(session=session, role="user", text="bench") for _ in entries
    )
    signals = ["thumbs_down", "thumbs_up", "ask_opus", "reask", "prefix"]
    RoutingFeedback.objects.bulk_create(
        RoutingFeedback(
            ledger_entry=entry,
            message=message,
            signal=signals[number % len(signals)],
            asked_tier="opus" if number % len(signals) in (2, 4) else "",
            created_at=entry.created_at,
        )
        for number, (entry, message) in enumerate(zip(entries, messages, strict=True))
    )


if __name__ == "__main__":
    main()
