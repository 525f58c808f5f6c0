"""The tiers, their names, default models and downgrade codes are defined once."""

from routing.core import RouterConfig
from routing.tiers import DEFAULT_MODELS, TIER_NAMES, TIERS


def test_every_tier_has_a_name_and_a_default_model_cheapest_first():
    assert TIERS == ("haiku", "sonnet", "opus")
    assert list(TIER_NAMES) == list(DEFAULT_MODELS) == list(TIERS)


def test_the_router_cores_default_models_are_the_tiers_defaults():
    config = RouterConfig()

    assert {tier: config.model_for(tier) for tier in TIERS} == DEFAULT_MODELS
