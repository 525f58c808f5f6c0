from datetime import datetime
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


class StatsOut(Schema):
    period: Period
    messages: int
    tier_mix: dict[str, int]
    downgrades: dict[str, int]
    downgrade_rate: float
    fallbacks: int
    fallback_rate: float


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


class LedgerFilters(Schema):
    period: Period = "30d"
    feature: FilterText | None = None
    model: FilterText | None = None
    reason: FilterText | None = None
    tier: FilterText | None = None
