"""Cache-aware routing: the price of a switch, added after the router's pure decision.

Caches are per model, so a tier switch pays to write the conversation again. When the
router picks another tier than the one holding the chat's warm cache, compare what the
answer would cost on each (the cached part at the read price on the warm tier and at the
write price on the new one, the output at each tier's price) and stay when switching
costs more, but only on a tier at least as strong as the pick: a hard message is never
answered on a weaker model to save a cache. A /prefix, a forced tier and the budget rules
(from the first downgrade threshold on) always win.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from costs.pricing import cached_prompt_usage, usage_cost
from costs.selectors import price_rule_for
from routing.core import Decision
from routing.models import RoutingSettings
from routing.tiers import TIER_NAMES, TIERS


@dataclass(frozen=True)
class WarmCache:
    """What one tier's cache holds for a chat (tokens), and how long its last answer was."""

    tier: str
    cached_tokens: int
    output_tokens: int = 0


@dataclass(frozen=True)
class SwitchPrice:
    stay: Decimal  # the answer on the warm tier, reading its cache
    switch: Decimal  # the answer on the router's pick, writing a new cache


def switch_price(
    warm: WarmCache,
    *,
    tier: str,
    new_tokens: int,
    output_tokens: int,
    settings: RoutingSettings,
    newest_tokens: int = 0,
    pick_output_tokens: int | None = None,
) -> SwitchPrice:
    """The expected cost of the next answer on the warm tier (`output_tokens` long) and on
    `tier` (`pick_output_tokens` long, if known: a stronger tier writes longer answers);
    the last `newest_tokens` of the new ones (the owner's message) are written for 5
    minutes under the mixed lifetime."""
    ttl = settings.cache_ttl
    warm_rule = price_rule_for(model=settings.model_for(warm.tier))
    pick_rule = price_rule_for(model=settings.model_for(tier))
    stay = cached_prompt_usage(
        warm_rule,
        cached_tokens=warm.cached_tokens,
        new_tokens=new_tokens,
        output_tokens=output_tokens,
        ttl=ttl,
        newest_tokens=newest_tokens,
    )
    switch = cached_prompt_usage(
        pick_rule,
        cached_tokens=0,
        new_tokens=warm.cached_tokens + new_tokens,
        output_tokens=output_tokens if pick_output_tokens is None else pick_output_tokens,
        ttl=ttl,
        newest_tokens=newest_tokens,
    )
    return SwitchPrice(stay=usage_cost(stay, warm_rule), switch=usage_cost(switch, pick_rule))


def cache_warm_stay(
    decision: Decision,
    warm: WarmCache | None,
    *,
    new_tokens: int,
    output_tokens: int,
    settings: RoutingSettings,
    newest_tokens: int = 0,
    pick_output_tokens: int | None = None,
) -> Decision | None:
    """The decision to stay on the warm tier, or None to keep the router's (`switch_price`
    says what the sizes are)."""
    if warm is None or warm.tier == decision.tier or warm.tier not in TIERS:
        return None
    if not settings.cache_ttl or not settings.cache_aware_routing:
        return None
    if decision.override or decision.downgraded or decision.budget_used >= settings.downgrade_at:
        return None
    if TIERS.index(warm.tier) < TIERS.index(decision.tier):
        return None
    price = switch_price(
        warm,
        tier=decision.tier,
        new_tokens=new_tokens,
        output_tokens=output_tokens,
        settings=settings,
        newest_tokens=newest_tokens,
        pick_output_tokens=pick_output_tokens,
    )
    if price.stay >= price.switch:
        return None
    reason = (
        f"cache warm on {TIER_NAMES[warm.tier]}: staying costs about ${price.stay:.4f}, "
        f"switching to {TIER_NAMES[decision.tier]} ${price.switch:.4f}"
    )
    return replace(
        decision,
        tier=warm.tier,
        model=settings.model_for(warm.tier),
        reasons=[*decision.reasons, reason],
    )
