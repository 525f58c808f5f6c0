"""What the owner saved, by source, and how much of the input was read from the cache.

Every figure is read from the ledger's daily totals except the cache-aware stays, which
are few and are priced call by call:

- routing: the calls' tokens without caching at Opus prices (the baseline, as before),
  against the same tokens without caching at the prices of the models that answered;
- caching: the calls without caching, against what they cost;
- cache-aware stays: each `cache_warm` reply as it would have cost on the router's pick,
  writing the whole prompt to a cold cache, against what it cost (an estimate: the
  other tier's answer would not have been the same length);
- local answers: each reply of the local model at the prices of its tier's default model
  (Opus when the tier is unknown), since it cost $0.

Routing, caching and local answers add up to the total saved against Opus prices without
caching; the stays are measured against another choice (switching tiers) and are not
added to it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from costs.models import LedgerEntry
from costs.pricing import TokenUsage, totals_cost, uncached_usage, usage_cost
from costs.selectors import (
    SAVINGS_REFERENCE_MODEL,
    ledger_rollup,
    ledger_rows,
    price_rule_for,
    rollup_usage,
)
from routing.tiers import CACHE_WARM, DEFAULT_MODELS, LOCAL


@dataclass(frozen=True)
class DayHits:
    day: date
    share: float  # cache reads over prompt tokens, 0–1


@dataclass(frozen=True)
class Savings:
    routing: Decimal = Decimal(0)
    caching: Decimal = Decimal(0)
    cache_warm: Decimal = Decimal(0)
    local: Decimal = Decimal(0)
    baseline: Decimal = Decimal(0)  # the calls without caching at Opus prices
    hit_share: float = 0.0
    hits_by_day: list[DayHits] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.routing + self.caching + self.local


def savings_by_source(*, rows: list[dict], start: datetime, end: datetime) -> Savings:
    """The savings of the `ledger_rollup` rows of a period, and of its cache_warm replies."""
    rules: dict = {}

    def at(model: str, usage: TokenUsage) -> Decimal:
        if model not in rules:
            rules[model] = price_rule_for(model=model)
        return totals_cost([usage], rules[model])

    routing = caching = local = baseline = Decimal(0)
    read: dict = defaultdict(int)
    prompt: dict = defaultdict(int)
    for row in rows:
        usage = rollup_usage(row)
        plain = uncached_usage(usage)
        if row["reason"] == LOCAL:
            local += at(DEFAULT_MODELS.get(row["tier"], SAVINGS_REFERENCE_MODEL), plain)
            continue
        at_opus, uncached = at(SAVINGS_REFERENCE_MODEL, plain), at(row["actual_model"], plain)
        baseline += at_opus
        routing += at_opus - uncached
        caching += uncached - (row["cost_usd"] or Decimal(0))
        read[row["day"]] += usage.cache_read_tokens
        prompt[row["day"]] += usage.prompt_tokens
    total_prompt = sum(prompt.values())
    return Savings(
        routing=routing,
        caching=caching,
        cache_warm=_cache_warm_saved(start=start, end=end),
        local=local,
        baseline=baseline,
        hit_share=sum(read.values()) / total_prompt if total_prompt else 0.0,
        hits_by_day=[
            DayHits(day=day, share=read[day] / prompt[day] if prompt[day] else 0.0)
            for day in sorted(prompt)
        ],
    )


def period_savings(*, start: datetime, end: datetime) -> Savings:
    """The savings of a period read from the ledger's daily totals."""
    return savings_by_source(rows=ledger_rollup(start=start, end=end), start=start, end=end)


def _cache_warm_saved(*, start: datetime, end: datetime) -> Decimal:
    """What the period's stays on a warm cache saved against switching to the router's pick."""
    saved = Decimal(0)
    for entry in ledger_rows(start=start, end=end, reason=CACHE_WARM).filter(
        outcome=LedgerEntry.Outcome.OK
    ):
        one_hour = entry.cache_write_1h_tokens > 0
        prompt = entry.input_tokens + entry.cache_write_tokens + entry.cache_read_tokens
        cold = TokenUsage(
            cache_write_1h_tokens=prompt if one_hour else 0,
            cache_write_5m_tokens=0 if one_hour else prompt,
            output_tokens=entry.output_tokens,
        )
        saved += usage_cost(cold, price_rule_for(model=entry.intended_model)) - entry.cost_usd
    return saved
