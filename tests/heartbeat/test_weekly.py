"""The weekly 📊 digest: numbers read from the ledger, sent once, no model call."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from blufio.models import ChatSession
from costs.models import BudgetSettings, LedgerEntry
from costs.pricing import TokenUsage
from heartbeat.models import WeeklyDigest
from heartbeat.weekly import weekly_digest_send
from routing.models import RoutingSettings
from tests.conftest import OWNER_CHAT_ID
from tests.helpers import call_cost, ledger_row

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)  # the digest covers Nov 16–22


def record(feature, model, tier, days_ago, tokens_in, tokens_out, reason=""):
    """A call priced at the price table, `days_ago` days before Monday's digest."""
    ledger_row(
        model,
        feature=feature,
        tier=tier,
        reason=reason,
        input_tokens=tokens_in,
        output_tokens=tokens_out,
        at=MONDAY,
        days_ago=days_ago,
    )


@pytest.fixture
def week_of_calls():
    BudgetSettings.objects.update_or_create(pk=1, defaults={"timezone": "Europe/Paris"})
    ChatSession.objects.create(chat_id=OWNER_CHAT_ID, user_id=OWNER_CHAT_ID)
    record("message", "claude-haiku-5-5", "haiku", 1, 100_000, 40_000)
    record("message", "claude-haiku-5-5", "haiku", 2, 100_000, 20_000, reason="budget_downgrade")
    record("message", "claude-sonnet-5-5", "sonnet", 3, 100_000, 20_000)
    record("message", "claude-opus-5-5", "opus", 4, 50_000, 10_000)
    record("extraction", "claude-haiku-5-5", "", 5, 100_000, 60_000)
    record("heartbeat", "claude-haiku-5-5", "", 6, 100_000, 20_000)
    record("message", "claude-opus-5-5", "opus", 9, 500_000, 100_000)  # the week before


def test_the_digest_reports_last_weeks_ledger(week_of_calls, fake_telegram, fake_claude):
    # Savings keep the dashboard's baseline (Opus 5.5's prices) whatever the tier is set to.
    RoutingSettings.objects.update_or_create(pk=1, defaults={"opus_model": "claude-sonnet-5-5"})
    assert weekly_digest_send(now=MONDAY) == [f"chat {OWNER_CHAT_ID}: sent"]

    week = LedgerEntry.objects.filter(created_at__gte=MONDAY - timedelta(days=7, hours=9))
    assert week.count() == 6
    total = week.aggregate(total=Sum("cost_usd"))["total"]
    at_opus = sum(
        call_cost(
            model="claude-opus-5-5",
            usage=TokenUsage(input_tokens=e.input_tokens, output_tokens=e.output_tokens),
        )
        for e in week
    )
    saved = at_opus - total
    heartbeat = week.get(feature="heartbeat").cost_usd
    [text] = fake_telegram.sent_texts(OWNER_CHAT_ID)
    assert text.splitlines() == [
        "📊 Your week with Blufio (Mon 16 Nov – Sun 22 Nov)",
        f"Spend: ${total:.2f} over 6 model calls.",
        "Replies by tier: Haiku $0.05 (2), Sonnet $0.40 (1), Opus $0.40 (1).",
        "By feature: message $0.85, extraction $0.04, heartbeat $0.02.",
        "Budget downgrades: 1 of 4 replies; fallbacks: 0.",
        f"Heartbeats: ${heartbeat:.2f} this week; $0.00 of $10.00 this month.",
        f"Saved against the same calls at Opus prices: ${saved:.2f} ({saved / at_opus:.0%}).",
        f"Saved: ${saved:.2f} by routing, $0.0000 by prompt caching (0% of input read from the "
        "cache), $0.0000 by staying on warm caches, $0.0000 by local answers.",
    ]
    assert total == Decimal("0.91") and fake_claude.calls == []


def test_the_digest_is_sent_once_a_week(week_of_calls, fake_telegram):
    weekly_digest_send(now=MONDAY)

    assert weekly_digest_send(now=MONDAY + timedelta(hours=1)) == [
        f"chat {OWNER_CHAT_ID}: skipped (already sent)"
    ]
    assert len(fake_telegram.sent_texts()) == 1


def test_a_week_without_calls_sends_nothing(fake_telegram):
    ChatSession.objects.create(chat_id=OWNER_CHAT_ID, user_id=OWNER_CHAT_ID)

    assert weekly_digest_send(now=MONDAY) == [f"chat {OWNER_CHAT_ID}: skipped (no calls last week)"]
    assert fake_telegram.requests == []


def test_no_digest_goes_to_a_chat_that_blocked_the_bot(week_of_calls, fake_telegram, fake_claude):
    fake_telegram.blocked_chats.add(OWNER_CHAT_ID)

    blocked = "Telegram forbids it: Forbidden: bot was blocked by the user"
    assert weekly_digest_send(now=MONDAY) == [f"chat {OWNER_CHAT_ID}: failed ({blocked})"]
    assert ChatSession.objects.get().unreachable_since is not None

    # The next run does not try again until the owner writes.
    assert weekly_digest_send(now=MONDAY + timedelta(hours=1)) == []
    assert len(fake_telegram.calls("sendMessage")) == 1
    assert not WeeklyDigest.objects.exists()
