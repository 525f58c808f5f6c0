"""What the dashboard shows: every panel built from one aggregate scan of the ledger."""

from collections import defaultdict
from decimal import Decimal

from costs.models import BudgetWindow, LedgerEntry
from costs.savings import savings_by_source
from costs.selectors import (
    PERIODS,
    budget_status,
    cost_at_prices,
    ledger_rollup,
    month_spend,
    period_bounds,
    tier_totals,
)
from routing.tiers import (
    BUDGET_DOWNGRADE,
    BUDGET_HAIKU_ONLY,
    CACHE_WARM,
    DOWNGRADE_REASONS,
    LOCAL,
    TIERS,
)

PERIOD_LABELS = {"today": "Today", "7d": "7 days", "30d": "30 days", "month": "This month"}
# What the "Downgrades by day and reason" panel counts: a reply that did not come from the
# tier the router meant (the budget rules, a fallback, the local model) or a forced model.
# A stay on a warm cache is never on a weaker tier, and "Ask Opus" (retry_up) and
# Continue were the owner's asking, not downgrades.
DOWNGRADE_PANEL_REASONS = frozenset({*DOWNGRADE_REASONS, "fallback", LOCAL, "forced"})


def _totals(rows: list[dict], key: str) -> list[dict]:
    """Cost and calls per `key`, each with its `share` (0–100) of the largest, for bars."""
    cost: dict = defaultdict(Decimal)
    calls: dict = defaultdict(int)
    for row in rows:
        cost[row[key]] += row["cost_usd"] or Decimal(0)
        calls[row[key]] += row["calls"]
    top = max(cost.values(), default=Decimal(0))
    return [
        {
            "key": name,
            "cost_usd": cost[name],
            "calls": calls[name],
            "share": float(cost[name] / top * 100) if top else 0.0,
        }
        for name in sorted(cost)
    ]


def _daily_stacks(rows: list[dict]) -> tuple[list[dict], list[str]]:
    by_day: dict = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        by_day[row["day"]][row["actual_model"]] += row["cost_usd"] or Decimal(0)
    models = sorted({row["actual_model"] for row in rows})
    top = max((sum(costs.values()) for costs in by_day.values()), default=Decimal(0))
    days = [
        {
            "day": day,
            "total": sum(costs.values(), Decimal(0)),
            "parts": [
                {
                    "model": model,
                    "cost": costs[model],
                    "share": float(costs[model] / top * 100) if top else 0.0,
                    "colour": models.index(model) % 6,
                }
                for model in models
                if costs.get(model)
            ],
        }
        for day, costs in sorted(by_day.items())
    ]
    return days, models


def dashboard_summary(*, period: str) -> dict:
    """Everything that changes with the period switch."""
    if period not in PERIODS:
        period = "30d"
    start, end = period_bounds(period)
    rows = ledger_rollup(start=start, end=end)
    messages = [row for row in rows if row["feature"] == LedgerEntry.Feature.MESSAGE]
    tier_mix = {tier: 0 for tier in TIERS}
    downgrades: dict = defaultdict(lambda: defaultdict(int))
    fallbacks = cache_warm = 0
    for row in messages:
        if row["tier"] in tier_mix:
            tier_mix[row["tier"]] += row["calls"]
        reason = row["reason"] or ("forced" if row["override"] == "force" else "")
        if reason in DOWNGRADE_PANEL_REASONS:
            downgrades[row["day"]][reason] += row["calls"]
        fallbacks += row["calls"] if row["reason"] == "fallback" else 0
        cache_warm += row["calls"] if row["reason"] == CACHE_WARM else 0
    message_count = sum(row["calls"] for row in messages)
    budget_downgrades = sum(row["calls"] for row in messages if row["reason"] in DOWNGRADE_REASONS)
    actual = sum((row["cost_usd"] or Decimal(0) for row in rows), Decimal(0))
    at_opus = cost_at_prices(rows)
    days, models = _daily_stacks(rows)
    return {
        "period": period,
        "period_label": PERIOD_LABELS[period],
        "periods": PERIOD_LABELS,
        "by_model": _totals(rows, "actual_model"),
        "by_feature": _totals(rows, "feature"),
        "by_tier": tier_totals(rows),
        "days": days,
        "models": models,
        "messages": message_count,
        "tier_mix": tier_mix,
        "fallbacks": fallbacks,
        "cache_warm_count": cache_warm,
        "downgrade_count": budget_downgrades,
        "downgrade_percent": budget_downgrades / message_count * 100 if message_count else 0,
        "downgrades_by_day": sorted((day, dict(r)) for day, r in downgrades.items()),
        "actual": actual,
        "at_opus": at_opus,
        "saved": at_opus - actual,
        "saved_percent": float((at_opus - actual) / at_opus * 100) if at_opus else 0.0,
        "savings": savings_by_source(rows=rows, start=start, end=end),
    }


def meter_level(used_fraction: float, *, warn_at: float, stop_at: float) -> str:
    """The meter's colour class: `stop` from the Haiku-only threshold, `warn` from the first
    downgrade, else none."""
    if used_fraction >= stop_at:
        return "stop"
    return "warn" if used_fraction >= warn_at else ""


def reason_choices(*, downgrade_at: float, haiku_only_at: float) -> list[tuple[str, str]]:
    """The routing reasons the decisions table filters on, labelled with today's thresholds."""
    return [
        (BUDGET_DOWNGRADE, f"budget past {downgrade_at:.0%}"),
        (BUDGET_HAIKU_ONLY, f"budget past {haiku_only_at:.0%}"),
        ("fallback", "fallback"),
        (CACHE_WARM, "stayed on a warm cache"),
    ]


def dashboard_budget(*, warn_at: float, stop_at: float) -> dict:
    """Today's conversation budget and this month's heartbeat budget; their meters turn
    `warn` and `stop` at the routing thresholds (`warn_at`, `stop_at`, shares of the cap)."""
    status = budget_status()
    heartbeat = budget_status(pool=BudgetWindow.Pool.HEARTBEAT)
    return {
        "budget": status,
        "used_percent": min(100.0, status.used_fraction * 100),
        "used_meter": meter_level(status.used_fraction, warn_at=warn_at, stop_at=stop_at),
        "month_spent": month_spend(),
        "heartbeat_budget": heartbeat,
        "heartbeat_percent": min(100.0, heartbeat.used_fraction * 100),
        "heartbeat_meter": meter_level(heartbeat.used_fraction, warn_at=warn_at, stop_at=stop_at),
        "reason_choices": reason_choices(downgrade_at=warn_at, haiku_only_at=stop_at),
    }
