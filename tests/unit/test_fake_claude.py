"""The fake Claude refuses what the real API refuses, with its error shapes, as the official
`anthropic` SDK sees them over loopback HTTP: forced tool use while thinking, Haiku 5.5's
sampling parameters and prefill, a 1-hour cache breakpoint after a 5-minute one, a
top-level cache marker at odds with the last block's; and it bills the cache as the
prompt caching page says (20 positions looked back, the breakpoint first).

Nothing of Blufio is imported: the fake alone, so a test elsewhere that passes against it
would pass against the API."""

import anthropic
import pytest

from tests.fakes.anthropic import FakeAnthropic

TOOL = {
    "name": "record",
    "description": "Record what the owner said.",
    "input_schema": {"type": "object", "properties": {}, "additionalProperties": False},
}
HELLO = [{"role": "user", "content": "Hello"}]
LONG = "Here is the whole plan of my garden, bed by bed. " * 60  # past 512 tokens


@pytest.fixture(scope="module")
def server():
    fake = FakeAnthropic().start()
    yield fake
    fake.stop()


@pytest.fixture
def claude(server):
    server.reset()
    return anthropic.Anthropic(api_key="sk-ant-test", base_url=server.url, max_retries=0)


def refused(claude: anthropic.Anthropic, **params) -> anthropic.BadRequestError:
    with pytest.raises(anthropic.BadRequestError) as caught:
        claude.messages.create(max_tokens=100, **params)
    error = caught.value
    assert error.status_code == 400
    assert error.body["type"] == "error"
    assert error.body["error"]["type"] == "invalid_request_error"
    assert error.request_id  # the request-id header, as the API sends it
    return error


@pytest.mark.parametrize("choice", [{"type": "any"}, {"type": "tool", "name": "record"}])
def test_forced_tool_use_is_refused_while_the_model_thinks(claude, choice):
    # Haiku 5.5 thinks by default, and thinking does not go with a forced tool.
    error = refused(
        claude, model="claude-haiku-5-5", messages=HELLO, tools=[TOOL], tool_choice=choice
    )
    assert "tool_choice forces tool use" in error.body["error"]["message"]
    refused(
        claude,
        model="claude-haiku-4-5",
        messages=HELLO,
        tools=[TOOL],
        tool_choice=choice,
        thinking={"type": "enabled", "budget_tokens": 1024},
    )


def test_forced_tool_use_is_accepted_with_thinking_off_where_the_model_allows_it(claude):
    answer = claude.messages.create(
        model="claude-haiku-4-5",
        max_tokens=100,
        messages=HELLO,
        tools=[TOOL],
        tool_choice={"type": "tool", "name": "record"},
    )
    assert [block.type for block in answer.content] == ["tool_use"]


def test_forced_tool_use_is_refused_on_opus_5_5_which_always_thinks(claude):
    refused(
        claude, model="claude-opus-5-5", messages=HELLO, tools=[TOOL], tool_choice={"type": "any"}
    )


@pytest.mark.parametrize("name, value", [("temperature", 0.2), ("top_p", 0.9), ("top_k", 40)])
def test_haiku_5_5_refuses_a_sampling_parameter_other_than_its_default(claude, name, value):
    # This SDK no longer offers them as arguments (the current models take only their
    # defaults); a caller can still send them, and the API answers 400.
    error = refused(claude, model="claude-haiku-5-5", messages=HELLO, extra_body={name: value})
    assert error.body["error"]["message"].startswith(name)
    # Haiku 4.5 takes it.
    claude.messages.create(
        model="claude-haiku-4-5", max_tokens=100, messages=HELLO, extra_body={name: value}
    )


def test_haiku_5_5_refuses_an_assistant_prefill(claude):
    prefill = [*HELLO, {"role": "assistant", "content": "Well,"}]
    error = refused(claude, model="claude-haiku-5-5", messages=prefill)
    assert "prefill" in error.body["error"]["message"]
    claude.messages.create(model="claude-haiku-4-5", max_tokens=100, messages=prefill)


def test_a_one_hour_breakpoint_after_a_five_minute_one_is_refused(claude):
    system = [
        {"type": "text", "text": LONG, "cache_control": {"type": "ephemeral"}},  # 5m, the default
        {"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral", "ttl": "1h"}},
    ]
    error = refused(claude, model="claude-sonnet-5-5", system=system, messages=HELLO)
    assert "ttl='1h'" in error.body["error"]["message"]
    # Longer first is the rule, and it is accepted.
    system[0]["cache_control"], system[1]["cache_control"] = (
        system[1]["cache_control"],
        system[0]["cache_control"],
    )
    claude.messages.create(model="claude-sonnet-5-5", max_tokens=100, system=system, messages=HELLO)


def test_a_top_level_marker_and_a_last_block_marked_with_another_lifetime_are_refused(claude):
    marked = [{"type": "text", "text": LONG, "cache_control": {"type": "ephemeral", "ttl": "1h"}}]
    refused(
        claude,
        model="claude-sonnet-5-5",
        messages=[{"role": "user", "content": marked}],
        cache_control={"type": "ephemeral", "ttl": "5m"},
    )
    # The same lifetime: the top-level marker is a no-op.
    claude.messages.create(
        model="claude-sonnet-5-5",
        max_tokens=100,
        messages=[{"role": "user", "content": marked}],
        cache_control={"type": "ephemeral", "ttl": "1h"},
    )


def test_more_than_four_breakpoints_are_refused_the_top_level_marker_counting(claude):
    parts = [
        {"type": "text", "text": f"Part {n}. {LONG}", "cache_control": {"type": "ephemeral"}}
        for n in range(4)
    ]
    parts.append({"type": "text", "text": "And the question."})
    messages = [{"role": "user", "content": parts}]
    claude.messages.create(model="claude-sonnet-5-5", max_tokens=100, messages=messages)
    error = refused(
        claude, model="claude-sonnet-5-5", messages=messages, cache_control={"type": "ephemeral"}
    )
    assert "maximum of 4" in error.body["error"]["message"]


def test_a_breakpoint_looks_back_twenty_positions_itself_first(claude):
    """The page's example: an entry 19 blocks before the breakpoint is found, one 20
    blocks before it (the 21st position) is not."""
    first = [{"type": "text", "text": LONG, "cache_control": {"type": "ephemeral"}}]

    def turn(extra: int):
        blocks = [{"type": "text", "text": LONG}]
        blocks += [{"type": "text", "text": f"Note {n}."} for n in range(extra)]
        blocks[-1]["cache_control"] = {"type": "ephemeral"}
        return claude.messages.create(
            model="claude-sonnet-5-5",
            max_tokens=100,
            messages=[{"role": "user", "content": blocks}],
        ).usage

    written = claude.messages.create(
        model="claude-sonnet-5-5", max_tokens=100, messages=[{"role": "user", "content": first}]
    ).usage.cache_creation_input_tokens
    assert turn(20).cache_read_input_tokens == 0  # the entry is the 21st position: missed
    assert turn(19).cache_read_input_tokens == written  # the 20th: found


def test_mixed_lifetimes_are_billed_at_the_three_positions_of_the_page(claude):
    """A: the highest hit (read); B: the last 1-hour breakpoint after it (1-hour writes
    A to B); C: the last breakpoint (5-minute writes B to C); cache_creation_input_tokens
    is the sum of the two."""
    hour = {"type": "ephemeral", "ttl": "1h"}
    system = [{"type": "text", "text": LONG, "cache_control": hour}]
    ask = [{"role": "user", "content": "Which bed first?"}]
    cold = claude.messages.create(
        model="claude-opus-5-5", max_tokens=100, system=system, messages=ask
    ).usage
    assert cold.cache_creation.ephemeral_1h_input_tokens == cold.cache_creation_input_tokens
    assert cold.cache_read_input_tokens == 0
    turns = [
        *ask,
        {
            "role": "assistant",
            "content": [{"type": "text", "text": "The sunny one.", "cache_control": hour}],
        },
        {"role": "user", "content": "And then?"},
    ]
    warm = claude.messages.create(
        model="claude-opus-5-5",
        max_tokens=100,
        system=system,
        messages=turns,
        cache_control={"type": "ephemeral", "ttl": "5m"},
    ).usage
    split = warm.cache_creation
    assert warm.cache_read_input_tokens == cold.cache_creation_input_tokens  # A
    assert split.ephemeral_1h_input_tokens > 0 and split.ephemeral_5m_input_tokens > 0  # B, C
    assert warm.cache_creation_input_tokens == (
        split.ephemeral_1h_input_tokens + split.ephemeral_5m_input_tokens
    )
    assert warm.input_tokens == 0  # nothing after the last breakpoint
