"""The seeded price table as pure price rules, so pricing tests need no database.

The rows are the ones the seed migration writes (`costs/migrations/0002_seed_prices.py`),
read from it, not copied.
"""

import importlib
from decimal import Decimal

from costs.pricing import PriceRule, Rates, TokenUsage, ceiling_rule, find_rule, usage_cost

_SEED = importlib.import_module("costs.migrations.0002_seed_prices")
_MINIMUMS = importlib.import_module("costs.migrations.0017_min_cacheable_tokens").MINIMUMS
_LONG = ("input", "output", "cache_write_5m", "cache_write_1h", "cache_read")


def _rule(pattern, inp, out, w5, w1, read, extra) -> PriceRule:
    long_rates = None
    if "long_prompt_threshold" in extra:
        long_rates = Rates(**{kind: extra[f"long_{kind}_per_mtok"] for kind in _LONG})
    return PriceRule(
        pattern=pattern,
        rates=Rates(*(Decimal(rate) for rate in (inp, out, w5, w1, read))),
        long_prompt_threshold=extra.get("long_prompt_threshold"),
        long_rates=long_rates,
        fast_multiplier=extra.get("fast_multiplier", Decimal(1)),
        min_cacheable_tokens=_MINIMUMS[pattern],
    )


SEEDED_RULES = [_rule(*row) for row in _SEED.PRICES]


def call_cost(*, model: str, usage: TokenUsage) -> Decimal:
    """What a call costs at the seeded prices (unknown models at the dearest of each kind)."""
    return usage_cost(usage, find_rule(model, SEEDED_RULES) or ceiling_rule(SEEDED_RULES))
