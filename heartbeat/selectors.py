"""Reads: how memory extraction and heartbeats are doing, and a week's spend."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from costs.models import LedgerEntry
from costs.savings import Savings, savings_by_source
from costs.selectors import cost_at_prices, ledger_rollup
from heartbeat.models import CheckIn, ExtractionRun, PendingItem
from routing.tiers import DOWNGRADE_REASONS


@dataclass(frozen=True)
class ExtractionStats:
    messages: int
    skipped: int
    items: int

    @property
    def skipped_share(self) -> float:
        return self.skipped / self.messages if self.messages else 0.0


def extraction_stats() -> ExtractionStats:
    """Owner messages read for memory, how many the heuristics skipped, items created."""
    totals = ExtractionRun.objects.aggregate(
        messages=Count("id"),
        skipped=Count("id", filter=Q(outcome=ExtractionRun.Outcome.SKIPPED)),
        items=Sum("items_created"),
    )
    return ExtractionStats(
        messages=totals["messages"], skipped=totals["skipped"], items=totals["items"] or 0
    )


@dataclass(frozen=True)
class HeartbeatOverview:
    outcomes: dict[str, int]  # this month's check-ins by outcome label
    open_items: list  # pending items, soonest due first
    open_count: int
    done_this_month: int
    extraction: ExtractionStats


def heartbeat_overview(*, month_start: datetime, limit: int = 8) -> HeartbeatOverview:
    """This month's check-ins by outcome, what is pending, and how memory extraction runs."""
    counts = dict(
        CheckIn.objects.filter(created_at__gte=month_start)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    labels = dict(CheckIn.Outcome.choices)
    pending = PendingItem.objects.filter(status__in=PendingItem.PENDING)
    return HeartbeatOverview(
        outcomes={labels[o]: counts[o] for o in CheckIn.Outcome.values if counts.get(o)},
        open_items=list(pending.order_by(F("due_at").asc(nulls_last=True), "id")[:limit]),
        open_count=pending.count(),
        done_this_month=PendingItem.objects.filter(
            status=PendingItem.Status.DONE, updated_at__gte=month_start
        ).count(),
        extraction=extraction_stats(),
    )


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
    savings: Savings = field(default_factory=Savings)

    @property
    def saved(self) -> Decimal:
        return self.at_opus_prices - self.total


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
    week.savings = savings_by_source(rows=rows, start=start, end=end)
    return week
