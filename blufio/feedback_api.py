"""`GET /api/feedback`: the owner's verdicts on routing, with the router's input, to
turn into labelled cases (auth as the rest of /api/)."""

from datetime import datetime

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from blufio.feedback import feedback_export, feedback_rows
from blufio.models import RoutingFeedback
from costs.api import LedgerPagination
from costs.schemas import Period
from costs.selectors import period_bounds
from routing.schemas import Turn

router = Router(tags=["feedback"])

Signal = RoutingFeedback.Signal


class FeedbackFilters(Schema):
    period: Period = "30d"
    signal: Signal | None = None


class FeedbackRow(Schema):
    id: int
    created_at: datetime
    signal: Signal
    tier: str
    asked_tier: str | None
    under_routed: bool
    ledger_entry_id: int
    model: str
    score: float | None
    message: str
    context: list[Turn]


@router.get(
    "/feedback",
    response=list[FeedbackRow],
    summary="The owner's verdicts on routing decisions, newest first",
    description="One row per signal (a 👍 or 👎 reaction, an “Ask Opus” tap, a /prefix or "
    "a re-ask right after an auto-routed reply) with the ledger row it judges, the "
    "message and the turns the router read. `under_routed`: the owner asked for a "
    "stronger tier than the one that answered.",
)
@paginate(LedgerPagination, page_size=50)
def feedback(request, filters: Query[FeedbackFilters]):
    start, end = period_bounds(filters.period)
    return ExportedPage(feedback_rows(start=start, end=end, signal=filters.signal))


class ExportedPage:
    """The rows as the paginator slices them: only one page is read and exported."""

    def __init__(self, rows) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return self.rows.count()

    def __getitem__(self, page: slice) -> list[dict]:
        return [feedback_export(row) for row in self.rows[page]]
