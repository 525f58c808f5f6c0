"""Reads: how memory extraction and heartbeats are doing."""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from heartbeat.models import ExtractionRun


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
