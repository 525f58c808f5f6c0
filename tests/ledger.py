"""Ledger rows for tests, written through the service (so daily totals follow)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from costs.pricing import TokenUsage, usage_cost
from costs.selectors import price_rule_for
from costs.services import ledger_entry_create


def call_cost(*, model: str, usage: TokenUsage) -> Decimal:
    """What a call with this usage costs at the price table's rule for `model`."""
    return usage_cost(usage, price_rule_for(model=model))


def ledger_row(
    model: str,
    cost: str,
    *,
    tier: str = "",
    feature: str = "message",
    reason: str = "",
    outcome: str = "ok",
    days_ago: int = 0,
    input_tokens: int = 100,
    output_tokens: int = 10,
    routing_reasons: list[str] | None = None,
) -> None:
    ledger_entry_create(
        feature=feature,
        intended_model=model,
        actual_model=model,
        tier=tier,
        intended_tier=tier,
        reason=reason,
        outcome=outcome,
        cost_usd=Decimal(cost),
        usage=TokenUsage(input_tokens=input_tokens, output_tokens=output_tokens),
        routing_reasons=routing_reasons,
        created_at=timezone.now() - timedelta(days=days_ago),
    )
