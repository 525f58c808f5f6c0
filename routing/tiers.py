"""The Claude tiers: their names, how they are shown, their default model ids, and the
codes of the budget downgrades. The one place these are defined.

Pure Python with no imports from the project: everyone may import it (the router core,
costs, the agent, the heartbeat).
"""

from typing import Literal, get_args

Tier = Literal["haiku", "sonnet", "opus"]
TIERS: tuple[Tier, ...] = get_args(Tier)  # cheapest first
TIER_NAMES: dict[str, str] = {"haiku": "Haiku", "sonnet": "Sonnet", "opus": "Opus"}
DEFAULT_MODELS: dict[str, str] = {
    "haiku": "claude-haiku-5-5",
    "sonnet": "claude-sonnet-5-5",
    "opus": "claude-opus-5-5",
}

# Why a routed message got a cheaper tier than the router intended. The codes name the
# rule, not a percentage: the thresholds are settings (RoutingSettings.downgrade_at and
# haiku_only_at).
DowngradeReason = Literal["budget_downgrade", "budget_haiku_only"]
BUDGET_DOWNGRADE, BUDGET_HAIKU_ONLY = get_args(DowngradeReason)
DOWNGRADE_REASONS: tuple[str, ...] = (BUDGET_DOWNGRADE, BUDGET_HAIKU_ONLY)

# The `output_config.effort` levels of the Messages API, least first. Which a model
# takes is in the price table (`costs.models.Price.efforts`).
Effort = Literal["low", "medium", "high", "xhigh", "max"]
EFFORTS: tuple[str, ...] = get_args(Effort)

# A routed message answered on the tier holding the chat's warm prompt cache instead of
# the router's pick, because switching would have cost more (never a weaker tier).
CACHE_WARM = "cache_warm"

# A reply from the optional local model (no Claude call), recorded at $0.
LOCAL = "local"
