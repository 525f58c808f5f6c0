"""What each seeded model is sent: effort, thinking and structured output as it accepts
them (`request_options` on the capabilities the migration seeds)."""

import importlib

import pytest

from blufio.clients.anthropic import StructuredOutput, request_options
from costs.capabilities import UNKNOWN_MODEL, Capabilities

_SEED = importlib.import_module("costs.migrations.0012_model_capabilities")
SEEDED = {
    pattern: Capabilities(thinking, off, tuple(filter(None, efforts.split(","))), forced, fmt)
    for pattern, (thinking, off, efforts, forced, fmt) in _SEED.CAPABILITIES.items()
}
ANSWER = StructuredOutput(
    name="record", description="Record it.", schema={"type": "object", "properties": {}}
)


def internal(capabilities: Capabilities, **options) -> dict:
    return request_options(capabilities, effort="low", quiet=True, **options)


def test_an_internal_call_turns_thinking_off_where_the_model_allows_it_and_asks_low_effort():
    assert internal(SEEDED["claude-haiku-5-5"]) == {
        "thinking": {"type": "disabled"},
        "output_config": {"effort": "low"},
    }
    # Sonnet 5.5 refuses "disabled": between_tools is how its up-front thinking goes off.
    assert internal(SEEDED["claude-sonnet-5-5"])["thinking"] == {"type": "between_tools"}
    # Opus 5.5 always thinks: nothing is sent that it would refuse.
    assert internal(SEEDED["claude-opus-5-5"]) == {"output_config": {"effort": "low"}}
    # Haiku 4.5 thinks only when asked and takes no effort parameter.
    assert internal(SEEDED["claude-haiku-4-5"]) == {}


@pytest.mark.parametrize("pattern", ["claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5"])
def test_a_structured_answer_from_a_5_5_model_offers_its_tool_without_forcing_it(pattern):
    options = internal(SEEDED[pattern], structured=ANSWER)

    assert options["tools"] == [ANSWER.tool]
    assert "tool_choice" not in options
    assert "format" not in options["output_config"]


def test_a_structured_answer_from_haiku_4_5_is_an_output_format():
    assert internal(SEEDED["claude-haiku-4-5"], structured=ANSWER) == {
        "output_config": {"format": {"type": "json_schema", "schema": ANSWER.schema}}
    }


def test_a_tool_is_forced_only_where_the_model_accepts_it_and_will_not_think():
    forcing = Capabilities(thinking="off", forced_tool_use=True)
    thinking = Capabilities(thinking="always", forced_tool_use=True)

    assert internal(forcing, structured=ANSWER)["tool_choice"] == {
        "type": "tool",
        "name": "record",
    }
    assert "tool_choice" not in internal(thinking, structured=ANSWER)


def test_an_unknown_model_gets_no_effort_no_thinking_setting_and_an_unforced_tool():
    assert internal(UNKNOWN_MODEL, structured=ANSWER) == {"tools": [ANSWER.tool]}


def test_a_reply_sends_the_effort_only_to_a_model_that_takes_that_level():
    assert request_options(SEEDED["claude-opus-5-5"], effort="max") == {
        "output_config": {"effort": "max"}
    }
    assert request_options(SEEDED["claude-haiku-4-5"], effort="high") == {}
    assert request_options(SEEDED["claude-opus-5-5"]) == {}
