"""A /prefix may carry an effort: /opus+ high, /opus++ max, /haiku- low."""

import pytest

from routing.core import parse_prefix
from routing.effort import prefix_effort


@pytest.mark.parametrize(
    ("message", "tier", "effort", "rest"),
    [
        ("/opus+ prove it", "opus", "high", "prove it"),
        ("/OPUS++ prove it", "opus", "max", "prove it"),
        ("/haiku- what time is it", "haiku", "low", "what time is it"),
        ("/sonnet+@blufio_bot compare these", "sonnet", "high", "compare these"),
        ("/opus prove it", "opus", None, "prove it"),
    ],
)
def test_a_tier_prefix_with_an_effort_suffix_forces_the_tier_and_asks_the_effort(
    message, tier, effort, rest
):
    assert parse_prefix(message) == (tier, rest)
    assert prefix_effort(message) == effort


@pytest.mark.parametrize("message", ["/opus+- hi", "/gpt4+ hi", "use /opus+ for this", "c++ rocks"])
def test_anything_else_is_an_ordinary_message_with_no_effort(message):
    assert parse_prefix(message) == (None, message)
    assert prefix_effort(message) is None
