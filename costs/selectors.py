"""Reads: prices, budget state and spend."""

import csv
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from costs.capabilities import UNKNOWN_MODEL, Capabilities
from costs.models import BudgetSettings, BudgetWindow, LedgerDay, LedgerEntry, Price
from costs.pricing import (
    PriceRule,
    TokenUsage,
    ceiling_rule,
    exact_usd,
    find_rule,
    totals_cost,
)
from routing.tiers import CACHE_WARM, DEFAULT_MODELS, DOWNGRADE_REASONS, TIER_NAMES, TIERS

logger = logging.getLogger(__name__)

# Savings are measured against the default Opus tier's list prices, whatever the tiers
# are set to, so the dashboard and the weekly digest agree and the baseline stays put.
SAVINGS_REFERENCE_MODEL = DEFAULT_MODELS["opus"]


def _price_row(model: str) -> tuple[Price | None, list[PriceRule]]:
    """The price table's row for a model id (its most specific pattern), and every rule."""
    prices = {price.pattern: price for price in Price.objects.all()}
    rules = [price.to_rule() for price in prices.values()]
    rule = find_rule(model, rules)
    return (prices[rule.pattern] if rule else None), rules


def price_rule_for(*, model: str) -> PriceRule:
    """The price rule for a model id; unknown ids get the dearest known prices (logged)."""
    row, rules = _price_row(model)
    if row is None:
        logger.warning(
            "No price for model %r: charging it at the most expensive known prices", model
        )
        return ceiling_rule(rules)
    return row.to_rule()


def capabilities_for(*, model: str) -> Capabilities:
    """What a model accepts, from its row of the price table; a model without a row gets
    the safe assumptions (no effort, no format, no forced tool, it may think)."""
    row, _ = _price_row(model)
    return row.to_capabilities() if row else UNKNOWN_MODEL


@dataclass(frozen=True)
class BudgetStatus:
    cap_usd: Decimal
    spent_usd: Decimal
    reserved_usd: Decimal
    resets_at: datetime

    @property
    def used_fraction(self) -> float:
        """Share of the cap already spent (0 when the cap is 0 and nothing is spent)."""
        if self.cap_usd <= 0:
            return 1.0 if self.spent_usd > 0 else 0.0
        return float(self.spent_usd / self.cap_usd)


def day_bounds(now: datetime, tz_name: str) -> tuple[date, datetime]:
    """The local date of `now` and the next local midnight."""
    local = now.astimezone(ZoneInfo(tz_name))
    tomorrow = local.date() + timedelta(days=1)
    return local.date(), datetime.combine(tomorrow, time.min, tzinfo=ZoneInfo(tz_name))


def month_bounds(now: datetime, tz_name: str) -> tuple[date, datetime]:
    """The first local date of `now`'s month and the local midnight the next month starts."""
    first = now.astimezone(ZoneInfo(tz_name)).date().replace(day=1)
    following = (first + timedelta(days=31)).replace(day=1)
    return first, datetime.combine(following, time.min, tzinfo=ZoneInfo(tz_name))


def budget_window(
    pool: str, settings: BudgetSettings, now: datetime
) -> tuple[date, datetime, Decimal]:
    """The current period of a budget pool: its first day, when it resets, and its cap.

    The conversation budget is daily, the heartbeat budget monthly; both follow the
    owner's time zone.
    """
    if pool == BudgetWindow.Pool.HEARTBEAT:
        starts_on, resets_at = month_bounds(now, settings.timezone)
        return starts_on, resets_at, settings.heartbeat_monthly_budget_usd
    starts_on, resets_at = day_bounds(now, settings.timezone)
    return starts_on, resets_at, settings.daily_budget_usd


def budget_status(
    *, pool: str = BudgetWindow.Pool.CONVERSATION, now: datetime | None = None
) -> BudgetStatus:
    """A budget's current period (today's conversation budget by default): cap, spent, held,
    and when it resets."""
    settings = BudgetSettings.get_solo()
    starts_on, resets_at, cap = budget_window(pool, settings, now or timezone.now())
    window = BudgetWindow.objects.filter(pool=pool, starts_on=starts_on).first()
    return BudgetStatus(
        cap_usd=cap,
        spent_usd=window.spent_usd if window else Decimal(0),
        reserved_usd=window.reserved_usd if window else Decimal(0),
        resets_at=resets_at,
    )


def month_spend(*, now: datetime | None = None) -> Decimal:
    """Conversation spend so far in the current month, in the budget's time zone."""
    settings = BudgetSettings.get_solo()
    today, _ = day_bounds(now or timezone.now(), settings.timezone)
    total = BudgetWindow.objects.filter(
        pool=BudgetWindow.Pool.CONVERSATION, starts_on__gte=today.replace(day=1)
    ).aggregate(total=Sum("spent_usd"))["total"]
    return exact_usd(total)


PERIODS = ("today", "7d", "30d", "month")


def period_bounds(period: str, *, now: datetime | None = None) -> tuple[datetime, datetime]:
    """Start and end of a reporting period, in the budget's time zone."""
    settings = BudgetSettings.get_solo()
    zone = ZoneInfo(settings.timezone)
    now = (now or timezone.now()).astimezone(zone)
    midnight = datetime.combine(now.date(), time.min, tzinfo=zone)
    starts = {
        "today": midnight,
        "7d": midnight - timedelta(days=6),
        "30d": midnight - timedelta(days=29),
        "month": midnight.replace(day=1),
    }
    return starts[period], now


def spend_by(*, group_by: str, start: datetime, end: datetime) -> list[dict]:
    """Cost and call counts per model, feature or day; aggregated in the database."""
    field = {"model": "actual_model", "feature": "feature", "day": "day"}[group_by]
    rows = LedgerEntry.objects.filter(created_at__gte=start, created_at__lt=end)
    if group_by == "day":
        zone = ZoneInfo(BudgetSettings.get_solo().timezone)
        rows = rows.annotate(day=TruncDate("created_at", tzinfo=zone))
    grouped = rows.values(field).annotate(cost_usd=Sum("cost_usd"), calls=Count("id"))
    return [
        {"key": str(row[field]), "cost_usd": exact_usd(row["cost_usd"]), "calls": row["calls"]}
        for row in grouped.order_by(field)
    ]


@dataclass(frozen=True)
class RoutingStats:
    messages: int
    tier_mix: dict[str, int]
    downgrades: dict[str, int]
    fallbacks: int
    cache_warm_stays: int = 0

    def rate(self, count: int) -> float:
        return round(count / self.messages, 4) if self.messages else 0.0


def routing_stats(*, start: datetime, end: datetime) -> RoutingStats:
    """How routed messages were served: tier mix, downgrades by reason, fallbacks."""
    rows = LedgerEntry.objects.filter(
        feature=LedgerEntry.Feature.MESSAGE, created_at__gte=start, created_at__lt=end
    )
    tiers = dict(rows.values_list("tier").annotate(n=Count("id")).order_by())
    reasons = dict(rows.exclude(reason="").values_list("reason").annotate(n=Count("id")).order_by())
    return RoutingStats(
        messages=sum(tiers.values()),
        tier_mix={tier: tiers.get(tier, 0) for tier in TIERS},
        downgrades={r: n for r, n in reasons.items() if r in DOWNGRADE_REASONS},
        fallbacks=reasons.get("fallback", 0),
        cache_warm_stays=reasons.get(CACHE_WARM, 0),
    )


def ledger_rows(
    *,
    start: datetime,
    end: datetime,
    feature: str | None = None,
    model: str | None = None,
    reason: str | None = None,
    tier: str | None = None,
):
    """Ledger entries in a period, newest first, optionally narrowed."""
    rows = LedgerEntry.objects.filter(created_at__gte=start, created_at__lt=end)
    for field, value in (
        ("feature", feature),
        ("actual_model", model),
        ("reason", reason),
        ("tier", tier),
    ):
        if value:
            rows = rows.filter(**{field: value})
    return rows.order_by("-created_at", "-id")


def recent_decisions(*, tier: str = "", reason: str = "", limit: int = 20):
    rows = LedgerEntry.objects.filter(feature=LedgerEntry.Feature.MESSAGE)
    if tier:
        rows = rows.filter(tier=tier)
    if reason:
        rows = rows.filter(reason=reason)
    return rows.order_by("-created_at", "-id")[:limit]


def ledger_rollup(*, start: datetime, end: datetime) -> list[dict]:
    """The period's running totals per day, model, feature, tier and reason.

    Read from `LedgerDay`, kept as entries are written: a few hundred rows however
    many calls there were. Periods start at a local midnight, so whole days match.
    """
    zone = ZoneInfo(BudgetSettings.get_solo().timezone)
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    return list(
        LedgerDay.objects.filter(day__gte=first, day__lte=last).values(
            *LedgerDay.KEY, "calls", *LedgerDay.SUMS
        )
    )


# The lines of `tier_totals`, in order: the tiers of replies, then the internal calls.
SPEND_LINES = (
    *TIERS,
    LedgerEntry.Feature.EXTRACTION,
    LedgerEntry.Feature.COMPACTION,
    LedgerEntry.Feature.HEARTBEAT,
)
SPEND_LINE_LABELS = {
    **TIER_NAMES,
    LedgerEntry.Feature.EXTRACTION: "Memory",
    LedgerEntry.Feature.COMPACTION: "Compaction",
    LedgerEntry.Feature.HEARTBEAT: "Check-ins",
}


def tier_totals(rows: list[dict]) -> list[dict]:
    """Cost and calls of `ledger_rollup` rows per tier for replies, and per feature for the
    calls that are not replies (memory, compaction, check-ins): the dashboard's "Spend by
    tier" and /usage. Every tier has a line; an internal feature only once it was called."""
    cost: dict[str, Decimal] = {tier: Decimal(0) for tier in TIERS}
    calls: dict[str, int] = dict.fromkeys(TIERS, 0)
    for row in rows:
        message = row["feature"] == LedgerEntry.Feature.MESSAGE
        key = (row["tier"] or row["feature"]) if message else row["feature"]
        cost[key] = cost.get(key, Decimal(0)) + (row["cost_usd"] or Decimal(0))
        calls[key] = calls.get(key, 0) + row["calls"]
    order = [*SPEND_LINES, *sorted(set(cost) - set(SPEND_LINES))]
    return [
        {"key": k, "label": SPEND_LINE_LABELS.get(k, k), "cost_usd": cost[k], "calls": calls[k]}
        for k in order
        if k in cost
    ]


def spend_by_tier(*, start: datetime, end: datetime) -> list[dict]:
    """`tier_totals` of a period."""
    return tier_totals(ledger_rollup(start=start, end=end))


def rollup_usage(row: dict) -> TokenUsage:
    """The token totals of a `ledger_rollup` row."""
    one_hour = row["cache_write_1h_tokens"] or 0
    return TokenUsage(
        input_tokens=row["input_tokens"] or 0,
        output_tokens=row["output_tokens"] or 0,
        cache_write_5m_tokens=(row["cache_write_tokens"] or 0) - one_hour,
        cache_write_1h_tokens=one_hour,
        cache_read_tokens=row["cache_read_tokens"] or 0,
        inference_geo=row["inference_geo"] or None,
        speed=row["speed"] or None,
    )


def cost_at_prices(rows: list[dict], *, model: str = SAVINGS_REFERENCE_MODEL) -> Decimal:
    """What the calls of these `ledger_rollup` rows would have cost at `model`'s prices
    (Opus 5.5's by default: the savings baseline)."""
    return totals_cost((rollup_usage(row) for row in rows), price_rule_for(model=model))


# The ledger's CSV export, in admin and at /api/ledger.csv: one column list.
LEDGER_CSV_COLUMNS = (
    "created_at",
    "feature",
    "intended_model",
    "actual_model",
    "tier",
    "intended_tier",
    "reason",
    "override",
    "input_tokens",
    "output_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "cache_read_tokens",
    "inference_geo",
    "speed",
    "cost_usd",
    "latency_ms",
    "outcome",
    "request_id",
    "id",
)


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def ledger_csv(rows) -> Iterator[str]:
    """The header and one CSV line per ledger entry of `rows`, read in chunks."""
    writer = csv.writer(_Echo())
    yield writer.writerow(LEDGER_CSV_COLUMNS)
    for row in rows.values_list(*LEDGER_CSV_COLUMNS).iterator(chunk_size=2000):
        yield writer.writerow(row)
