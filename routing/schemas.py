from typing import Literal

from ninja import Field, Schema

from routing.tiers import DowngradeReason, Tier


class Turn(Schema):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=1_000_000)


class RouteIn(Schema):
    message: str = Field(max_length=1_000_000, description="The message as the owner typed it.")
    context: list[Turn] = Field(default_factory=list, max_length=20)
    # strict: a JSON number only, not true/false or "0.5" (the schema says "number").
    budget_used: float = Field(
        0.0, ge=0, le=1, strict=True, description="Share of today's budget spent (0 to 1)."
    )


class RouteOut(Schema):
    text: str
    tier: Tier
    intended_tier: Tier
    model: str
    score: float
    reasons: list[str]
    override: Literal["prefix", "force"] | None
    downgraded: bool
    downgrade_reason: DowngradeReason | None
    notice: str | None
    budget_used: float
