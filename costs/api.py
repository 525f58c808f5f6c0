from decimal import Decimal

from django.http import StreamingHttpResponse
from ninja import Field, Query, Router
from ninja.pagination import PageNumberPagination, paginate

from costs.savings import period_savings
from costs.schemas import BudgetOut, CostsOut, LedgerFilters, LedgerRow, Period, StatsOut
from costs.selectors import (
    budget_status,
    ledger_csv,
    ledger_rows,
    month_spend,
    period_bounds,
    routing_stats,
    spend_by,
)

router = Router(tags=["costs"])


class LedgerPagination(PageNumberPagination):
    class Input(PageNumberPagination.Input):
        # Bounded so the SQL OFFSET fits in a bigint (page=10**20 was a 500).
        page: int = Field(1, ge=1, le=1_000_000_000)


@router.get("/budget", response=BudgetOut, summary="Today's spend against the daily cap")
def budget(request):
    status = budget_status()
    return {
        "cap_usd": status.cap_usd,
        "spent_usd": status.spent_usd,
        "reserved_usd": status.reserved_usd,
        "used": round(status.used_fraction, 4),
        "resets_at": status.resets_at,
        "month_spent_usd": month_spend(),
    }


@router.get("/costs", response=CostsOut, summary="Spend grouped by model, feature or day")
def costs(
    request, period: Period = "30d", group_by: str = Query("model", pattern="^(model|feature|day)$")
):
    start, end = period_bounds(period)
    rows = spend_by(group_by=group_by, start=start, end=end)
    return {
        "period": period,
        "group_by": group_by,
        "start": start,
        "end": end,
        "total_usd": sum((row["cost_usd"] for row in rows), Decimal(0)),
        "rows": rows,
    }


@router.get(
    "/stats",
    response=StatsOut,
    summary="Tier mix, downgrade, fallback and warm-cache rates, savings by source",
)
def stats(request, period: Period = "30d"):
    start, end = period_bounds(period)
    result = routing_stats(start=start, end=end)
    savings = period_savings(start=start, end=end)
    return {
        "period": period,
        "messages": result.messages,
        "tier_mix": result.tier_mix,
        "downgrades": result.downgrades,
        "downgrade_rate": result.rate(sum(result.downgrades.values())),
        "fallbacks": result.fallbacks,
        "fallback_rate": result.rate(result.fallbacks),
        "cache_warm_stays": result.cache_warm_stays,
        "cache_warm_rate": result.rate(result.cache_warm_stays),
        "savings": {
            "routing_usd": savings.routing,
            "caching_usd": savings.caching,
            "cache_warm_usd": savings.cache_warm,
            "local_usd": savings.local,
            "total_usd": savings.total,
        },
        "cache_hit_share": round(savings.hit_share, 4),
        "cache_hit_share_by_day": [
            {"day": day.day, "share": round(day.share, 4)} for day in savings.hits_by_day
        ],
    }


def _filtered(filters: LedgerFilters):
    start, end = period_bounds(filters.period)
    return ledger_rows(
        start=start,
        end=end,
        feature=filters.feature,
        model=filters.model,
        reason=filters.reason,
        tier=filters.tier,
    )


@router.get("/ledger", response=list[LedgerRow], summary="Ledger entries, newest first")
@paginate(LedgerPagination, page_size=50)
def ledger(request, filters: Query[LedgerFilters]):
    return _filtered(filters)


@router.get(
    "/ledger.csv",
    summary="The same ledger entries as CSV",
    operation_id="costs_api_ledger_csv",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def ledger_export(request, filters: Query[LedgerFilters]):
    response = StreamingHttpResponse(ledger_csv(_filtered(filters)), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="blufio-ledger.csv"'
    return response
