"""The weekly 📊 cost digest: read from the ledger, no model call."""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from blufio.clients import telegram as telegram_client
from blufio.conversation.texts import money
from blufio.models import ChatSession
from costs.models import BudgetSettings, BudgetWindow, LedgerEntry
from costs.selectors import budget_status, cost_at_prices, ledger_rollup
from heartbeat.models import WeeklyDigest
from routing.tiers import DOWNGRADE_REASONS

logger = logging.getLogger(__name__)


@dataclass
class WeekSpend:
    start: datetime
    end: datetime
    calls: int = 0
    total: Decimal = Decimal(0)
    by_tier: dict[str, list] = field(default_factory=lambda: defaultdict(lambda: [Decimal(0), 0]))
    by_feature: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    messages: int = 0
    downgrades: int = 0
    fallbacks: int = 0
    at_opus_prices: Decimal = Decimal(0)

    @property
    def saved(self) -> Decimal:
        return self.at_opus_prices - self.total


def last_week(now: datetime, tz_name: str) -> tuple[datetime, datetime]:
    """The seven local days that ended at the latest local midnight."""
    zone = ZoneInfo(tz_name)
    end = datetime.combine(now.astimezone(zone).date(), time.min, tzinfo=zone)
    return end - timedelta(days=7), end


def week_spend(*, start: datetime, end: datetime) -> WeekSpend:
    """The week's calls from the ledger's daily totals, and what they would cost on Opus."""
    # The days from `start` up to, not including, the midnight that is `end`.
    rows = ledger_rollup(start=start, end=end - timedelta(microseconds=1))
    week = WeekSpend(start=start, end=end)
    for row in rows:
        cost = row["cost_usd"] or Decimal(0)
        week.calls += row["calls"]
        week.total += cost
        week.by_feature[row["feature"]] += cost
        if row["feature"] == LedgerEntry.Feature.MESSAGE:
            week.messages += row["calls"]
            week.by_tier[row["tier"] or "?"][0] += cost
            week.by_tier[row["tier"] or "?"][1] += row["calls"]
            week.downgrades += row["calls"] if row["reason"] in DOWNGRADE_REASONS else 0
            week.fallbacks += row["calls"] if row["reason"] == "fallback" else 0
    week.at_opus_prices = cost_at_prices(rows)
    return week


def weekly_digest_text(week: WeekSpend, *, now: datetime) -> str:
    last_day = week.end - timedelta(days=1)
    lines = [
        f"📊 Your week with Blufio ({week.start:%a %d %b} – {last_day:%a %d %b})",
        f"Spend: {money(week.total)} over {week.calls} model calls.",
    ]
    if week.by_tier:
        tiers = ", ".join(
            f"{tier.title()} {money(cost)} ({calls})"
            for tier in ("haiku", "sonnet", "opus", "?")
            if tier in week.by_tier
            for cost, calls in [week.by_tier[tier]]
        )
        lines.append(f"Replies by tier: {tiers}.")
    features = ", ".join(
        f"{name} {money(week.by_feature[name])}"
        for name in LedgerEntry.Feature.values
        if name in week.by_feature
    )
    lines.append(f"By feature: {features}.")
    lines.append(
        f"Budget downgrades: {week.downgrades} of {week.messages} replies; "
        f"fallbacks: {week.fallbacks}."
    )
    heartbeat = budget_status(pool=BudgetWindow.Pool.HEARTBEAT, now=now)
    lines.append(
        f"Heartbeats: {money(week.by_feature.get('heartbeat', Decimal(0)))} this week; "
        f"{money(heartbeat.spent_usd)} of {money(heartbeat.cap_usd)} this month."
    )
    if week.at_opus_prices > 0:
        share = week.saved / week.at_opus_prices
        lines.append(
            f"Saved against the same calls at Opus prices: {money(week.saved)} ({share:.0%})."
        )
    return "\n".join(lines)


def weekly_digest_send(*, now: datetime | None = None) -> list[str]:
    """Send last week's digest to each owner chat, once per chat and week."""
    now = now or timezone.now()
    tz_name = BudgetSettings.get_solo().timezone
    start, end = last_week(now, tz_name)
    week = week_spend(start=start, end=end)
    chats = ChatSession.objects.filter(
        user_id__in=django_settings.TELEGRAM_ALLOWED_USER_IDS
    ).values_list("chat_id", flat=True)
    if week.calls == 0:
        return [f"chat {chat_id}: skipped (no calls last week)" for chat_id in chats]
    text = weekly_digest_text(week, now=now)
    results = []
    for chat_id in chats:
        try:
            with transaction.atomic():
                claim = WeeklyDigest.objects.create(
                    chat_id=chat_id, week_starts_on=start.date(), text=text
                )
        except IntegrityError:
            results.append(f"chat {chat_id}: skipped (already sent)")
            continue
        try:
            telegram_client.send_text(chat_id, text)
        except telegram_client.TelegramError as exc:
            claim.delete()  # a later run may try again
            logger.warning("Could not send the weekly digest to chat %s: %s", chat_id, exc)
            results.append(f"chat {chat_id}: failed ({exc})")
            continue
        results.append(f"chat {chat_id}: sent")
    return results
