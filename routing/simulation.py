"""What routing saves: price a traffic file under routing and under one tier for everything."""

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from costs.pricing import (
    CHARS_PER_TOKEN,
    PriceRule,
    TokenUsage,
    cached_prompt_usage,
    estimated_tokens,
    prompt_token_bound,
    usage_cost,
    worst_case_cost,
)
from costs.selectors import price_rule_for
from routing.core import route
from routing.models import RoutingSettings
from routing.tiers import TIERS

# Assumed tokens per message by how hard the router judged it: (context + prompt, output).
DEFAULT_TOKENS = {"haiku": (800, 150), "sonnet": (1500, 500), "opus": (3000, 1200)}


@dataclass
class Simulation:
    messages: int = 0
    labelled: int = 0  # lines with an `expected` tier: the oracle prices those
    mix: Counter = field(default_factory=Counter)
    cost: dict[str, Decimal] = field(
        default_factory=lambda: {
            name: Decimal(0) for name in ("routed", "cached", "oracle", *TIERS)
        }
    )


def simulate(
    lines: IO[str],
    *,
    tokens: dict[str, tuple[int, int]] = DEFAULT_TOKENS,
    traffic: str | None = None,
) -> Simulation:
    """Route every `{"message", "context"?, "budget_used"?, "expected"?}` line (as
    `route --jsonl` reads them); cost each under routing,
    each tier, and (for labelled lines) the labelled tier itself: the oracle.

    A message's tokens depend on the task, not on the model that answers it, so every
    scenario prices the same tokens: the labelled tier's sizes when the line has one,
    else those of the tier the router picks. `traffic` keeps only lines of that kind
    (the labelled corpus marks each `realistic` or `tricky`).

    `cached` is routing with the admin's prompt caching, the file read as one conversation:
    a message on the tier of the one before reads its context from that tier's cache and
    writes its own text; one on another tier writes its whole prompt (caches are per model).
    """
    settings = RoutingSettings.get_solo()
    config = settings.to_config()
    rules = {tier: price_rule_for(model=settings.model_for(tier)) for tier in TIERS}
    result = Simulation()
    previous_tier = None
    for line in lines:
        if not line.strip():
            continue
        item = json.loads(line)
        if traffic and item.get("traffic") != traffic:
            continue
        budget_used = float(item.get("budget_used", 0.0))
        decision = route(
            item["message"], item.get("context") or [], budget_used=budget_used, config=config
        )
        expected = item.get("expected")
        if expected is not None and expected not in TIERS:
            raise ValueError(f"unknown expected tier {expected!r}")
        prompt, output = tokens[expected or decision.tier]
        prompt += len(decision.text) // CHARS_PER_TOKEN
        usage = TokenUsage(input_tokens=prompt, output_tokens=output)
        result.messages += 1
        result.mix[decision.tier] += 1
        result.cost["routed"] += usage_cost(usage, rules[decision.tier])
        result.cost["cached"] += _cached_cost(
            usage,
            rules[decision.tier],
            new_tokens=len(decision.text) // CHARS_PER_TOKEN,
            warm=decision.tier == previous_tier,
            ttl=settings.cache_ttl,
        )
        previous_tier = decision.tier
        if expected:
            result.labelled += 1
            result.cost["oracle"] += usage_cost(usage, rules[expected])
        for tier in TIERS:
            result.cost[tier] += usage_cost(usage, rules[tier])
    return result


def _cached_cost(
    usage: TokenUsage, rule: PriceRule, *, new_tokens: int, warm: bool, ttl: str
) -> Decimal:
    """A message's cost with prompt caching (`ttl` "" is off: its plain cost)."""
    if not ttl:
        return usage_cost(usage, rule)
    cached = usage.input_tokens - new_tokens if warm else 0
    cached_usage = cached_prompt_usage(
        rule,
        cached_tokens=cached,
        new_tokens=usage.input_tokens - cached,
        output_tokens=usage.output_tokens,
        ttl=ttl,
        newest_tokens=new_tokens,
    )
    return usage_cost(cached_usage, rule)


TYPICAL_OUTPUT_TOKENS = 400


def tier_estimates(text: str, *, system: str = "") -> list[dict]:
    """What one message would cost at each tier, under the `system` prompt: typically, and
    at most (as reserved)."""
    settings = RoutingSettings.get_solo()
    messages = [{"role": "user", "content": text}]
    typical_prompt = estimated_tokens(system) + estimated_tokens(text)
    rows = []
    for tier in TIERS:
        model = settings.model_for(tier)
        rule = price_rule_for(model=model)
        usage = TokenUsage(input_tokens=typical_prompt, output_tokens=TYPICAL_OUTPUT_TOKENS)
        rows.append(
            {
                "tier": tier,
                "model": model,
                "typical": usage_cost(usage, rule),
                "most": worst_case_cost(
                    rule,
                    prompt_tokens=prompt_token_bound(system, messages),
                    max_output_tokens=settings.max_tokens_for(tier),
                ),
            }
        )
    return rows
