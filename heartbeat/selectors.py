"""Reads: how memory extraction and heartbeats are doing."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, Sum

from heartbeat.models import CheckIn, ExtractionRun, PendingItem


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
