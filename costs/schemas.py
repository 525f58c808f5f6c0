from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

Period = Literal["today", "7d", "30d", "month"]
# PostgreSQL text cannot hold NUL: a filter with one is refused (422), not a database error.
FilterText = Annotated[str, Field(pattern=r"^[^\x00]*$")]


class BudgetOut(Schema):
    cap_usd: Decimal
    spent_usd: Decimal
    reserved_usd: Decimal
    used: float = Field(description="Share of today's cap spent (0–1, may pass 1 by rounding).")
    resets_at: datetime
    month_spent_usd: Decimal


class CostRow(Schema):
    key: str
    cost_usd: Decimal
    calls: int


class CostsOut(Schema):
    period: Period
    group_by: Literal["model", "feature", "day"]
    start: datetime
    end: datetime
    total_usd: Decimal
    rows: list[CostRow]


class SavingsOut(Schema):
    routing_usd: Decimal = Field(
        description="The calls without caching at Opus prices, against the same calls without "
        "caching at the prices of the models that answered."
    )
    caching_usd: Decimal = Field(
        description="What the calls cost, against the same calls uncached."
    )
    cache_warm_usd: Decimal = Field(
        description="Replies that stayed on a warm cache, against switching to the router's "
        "pick and writing the whole prompt to a cold cache (an estimate; not in total_usd)."
    )
    local_usd: Decimal = Field(
        description="Replies of the local model ($0) at the prices of their tier's model."
    )
    total_usd: Decimal = Field(description="routing_usd + caching_usd + local_usd.")


class DayHitsOut(Schema):
    day: date
    share: float = Field(description="Cache reads over all prompt tokens that day, 0–1.")


class StatsOut(Schema):
    period: Period
    messages: int
    tier_mix: dict[str, int]
    downgrades: dict[str, int]
    downgrade_rate: float
    fallbacks: int
    fallback_rate: float
    cache_warm_stays: int = Field(
        description="Messages answered on the tier holding the chat's warm prompt cache "
        "instead of the router's pick (never a weaker tier), as switching would cost more."
    )
    cache_warm_rate: float = Field(description="cache_warm_stays / messages.")
    savings: SavingsOut = Field(description="What the period's calls saved, by source.")
    cache_hit_share: float = Field(
        description="Cache reads over all prompt tokens (input, cache writes, cache reads), 0–1."
    )
    cache_hit_share_by_day: list[DayHitsOut]


class LedgerRow(Schema):
    id: int
    created_at: datetime
    feature: str
    intended_model: str
    actual_model: str
    tier: str
    intended_tier: str
    reason: str
    input_tokens: int
    output_tokens: int
    cache_write_tokens: int
    cache_read_tokens: int
    cost_usd: Decimal
    latency_ms: int
    outcome: str
    request_id: str
    retry_of_id: int | None = Field(
        None, description="For a retry_up call (“Ask Opus”): the ledger row it asked again."
    )


class LedgerFilters(Schema):
    period: Period = "30d"
    feature: FilterText | None = None
    model: FilterText | None = None
    reason: FilterText | None = None
    tier: FilterText | None = None
