"""Prompt caching of replies, through the real SDK and the fake Claude's cache: what is
marked, what is read and written, and what each costs on every tier."""

from decimal import Decimal

import pytest

from blufio.models import ChatMessage
from costs.models import LedgerEntry, Reservation
from heartbeat.models import HeartbeatSettings
from routing.models import RoutingSettings
from tests.blufio.conversation.test_verdict import ask_opus_tap
from tests.conftest import button_update, text_update

pytestmark = pytest.mark.django_db

# Price table rates, USD per million tokens: input, 5-minute write, 1-hour write, read, output.
RATES = {
    "haiku": ("0.10", "0.125", "0.20", "0.01", "0.50"),
    "sonnet": ("2", "2.50", "4", "0.10", "10"),
    "opus": ("4", "5", "8", "0.20", "20"),
}
# Long enough to pass every 5.5 model's minimum cacheable prompt (512 tokens).
LONG = "Here is the whole plan of my garden, bed by bed. " * 60


def cost_by_hand(entry: LedgerEntry, tier: str) -> Decimal:
    """The entry's tokens at the tier's rates from the table above."""
    rate_in, write_5m, write_1h, read, out = (Decimal(r) for r in RATES[tier])
    one_hour = entry.cache_write_1h_tokens
    five_min = entry.cache_write_tokens - one_hour
    return (
        entry.input_tokens * rate_in
        + five_min * write_5m
        + one_hour * write_1h
        + entry.cache_read_tokens * read
        + entry.output_tokens * out
    ) / Decimal(1_000_000)


def replies() -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(feature="message").order_by("created_at", "id"))


def set_ttl(ttl: str) -> None:
    routing = RoutingSettings.get_solo()
    routing.cache_ttl = ttl
    routing.save()


def test_a_reply_marks_its_stable_prefix_and_the_conversation_for_caching(
    post_update, fake_claude, fake_telegram
):
    post_update(text_update("What should I plant in March?"))

    [call] = [c for c in fake_claude.calls if not c.params.get("tools")]
    assert call.params["cache_control"] == {"type": "ephemeral", "ttl": "5m"}
    [stable] = call.params["system"]
    assert stable["text"].startswith("You are Blufio")
    # The mixed lifetime, the default: the stable part for an hour, before the 5 minutes.
    assert stable["cache_control"] == {"type": "ephemeral", "ttl": "1h"}


@pytest.mark.parametrize("tier", ["haiku", "sonnet", "opus"])
def test_mixed_lifetimes_keep_the_conversation_an_hour_and_the_newest_message_5_minutes(
    tier, post_update, fake_claude, fake_telegram
):
    post_update(text_update(f"/{tier} {LONG}"))
    post_update(text_update(f"/{tier} And which beds get the most sun?"))
    fake_claude.advance(40 * 60)  # past 5 minutes, within the hour
    post_update(text_update(f"/{tier} And what should I sow first?"))

    first, second, third = replies()
    # Cold: all written for 5 minutes; no hour's price for what may not be read again.
    assert (first.cache_write_1h_tokens, first.cache_read_tokens) == (0, 0)
    assert first.cache_write_tokens > 512
    # Warm: the first prompt read; the last answer (up to its hour's breakpoint) written
    # for an hour, the newest message for 5 minutes, in that order in the request.
    call = [c for c in fake_claude.calls if not c.params.get("tools")][1]
    assert [m["role"] for m in call.params["messages"]] == ["user", "assistant", "user"]
    [answer] = call.params["messages"][1]["content"]
    assert answer["cache_control"] == {"type": "ephemeral", "ttl": "1h"}
    assert call.params["cache_control"] == {"type": "ephemeral", "ttl": "5m"}
    answer_tokens = len(answer["text"]) // 4 + 1
    assert second.cache_read_tokens == first.cache_write_tokens
    assert second.cache_write_1h_tokens == answer_tokens
    assert second.cache_write_tokens - second.cache_write_1h_tokens == (
        len("And which beds get the most sun?") // 4 + 1
    )
    # 40 minutes later the 5 minutes are gone, the hour's entry is read: all but the
    # newest message of the second prompt.
    assert third.cache_read_tokens == second.cache_read_tokens + second.cache_write_1h_tokens
    assert third.cache_write_1h_tokens > 0
    for entry in (first, second, third):
        assert entry.cost_usd == cost_by_hand(entry, tier)


def test_a_new_effort_invalidates_the_cached_conversation_as_the_api_does(
    post_update, fake_claude, fake_telegram
):
    post_update(text_update(f"/sonnet {LONG}"))
    post_update(text_update("/sonnet+ And which beds get the most sun?"))

    first, second = replies()
    assert second.effort == "high"
    # The messages' cache is keyed by the thinking and effort settings (the system prompt,
    # shorter than the minimum, is not cached on its own): all written again.
    assert second.cache_read_tokens == 0
    assert second.cache_write_tokens > first.cache_write_tokens


def test_with_caching_off_nothing_is_marked(post_update, fake_claude, fake_telegram):
    set_ttl("")

    post_update(text_update("What should I plant in March?"))

    [call] = [c for c in fake_claude.calls if not c.params.get("tools")]
    assert "cache_control" not in call.params
    assert call.params["system"].startswith("You are Blufio")


@pytest.mark.parametrize("tier", ["haiku", "sonnet", "opus"])
def test_the_first_reply_writes_the_cache_and_the_next_reads_it_at_exact_prices(
    tier, post_update, fake_claude, fake_telegram
):
    post_update(text_update(f"/{tier} {LONG}"))
    fake_claude.advance(4 * 60)  # within the 5-minute lifetime
    post_update(text_update(f"/{tier} And which beds get the most sun?"))

    first, second = replies()
    assert first.tier == second.tier == tier
    # Cold: the whole prompt is written to the 5-minute cache, nothing read.
    assert first.cache_read_tokens == 0 and first.cache_write_1h_tokens == 0
    assert first.cache_write_tokens > 512
    assert first.cost_usd == cost_by_hand(first, tier)
    # Warm: what the first wrote is read; only the answer and the new message are written.
    assert second.cache_read_tokens == first.cache_write_tokens
    assert 0 < second.cache_write_tokens < 100
    assert second.cost_usd == cost_by_hand(second, tier)
    assert second.cost_usd < first.cost_usd


@pytest.mark.parametrize("tier", ["haiku", "sonnet", "opus"])
def test_one_hour_writes_are_priced_as_such_and_outlive_five_minutes(
    tier, post_update, fake_claude, fake_telegram
):
    set_ttl("1h")

    post_update(text_update(f"/{tier} {LONG}"))
    fake_claude.advance(40 * 60)
    post_update(text_update(f"/{tier} And which beds get the most sun?"))

    first, second = replies()
    assert first.cache_write_1h_tokens == first.cache_write_tokens > 512
    assert first.cost_usd == cost_by_hand(first, tier)
    assert second.cache_read_tokens == first.cache_write_tokens
    assert second.cost_usd == cost_by_hand(second, tier)


def test_after_five_minutes_the_cache_is_gone_and_written_again(
    post_update, fake_claude, fake_telegram
):
    set_ttl("5m")
    post_update(text_update(f"/sonnet {LONG}"))
    fake_claude.advance(6 * 60)
    post_update(text_update("/sonnet And which beds get the most sun?"))

    first, second = replies()
    assert second.cache_read_tokens == 0
    assert second.cache_write_tokens > first.cache_write_tokens
    assert second.cost_usd == cost_by_hand(second, "sonnet")


def test_a_tier_switch_is_priced_as_a_cache_write_on_the_new_model(
    post_update, fake_claude, fake_telegram
):
    post_update(text_update(f"/sonnet {LONG}"))
    post_update(text_update("/opus And which beds get the most sun?"))

    first, second = replies()
    assert second.tier == "opus"
    # Caches are per model: Opus has read nothing and writes the whole conversation.
    assert second.cache_read_tokens == 0
    assert second.cache_write_tokens > first.cache_write_tokens
    assert second.cost_usd == cost_by_hand(second, "opus")


def test_a_prompt_below_the_models_minimum_is_not_cached(post_update, fake_claude, fake_telegram):
    routing = RoutingSettings.get_solo()
    routing.haiku_model = "claude-haiku-4-5"  # caches from 4,096 tokens only
    routing.save()
    fake_claude.usage = {"input_tokens": 900, "output_tokens": 100}

    post_update(text_update(f"/haiku {LONG}"))

    [entry] = replies()
    assert (entry.cache_write_tokens, entry.cache_read_tokens) == (0, 0)
    # 900 input tokens at $1/M and 100 output tokens at $5/M.
    assert entry.cost_usd == Decimal("0.0014")


def test_the_hold_covers_a_cold_one_hour_write_of_the_whole_prompt(
    post_update, fake_claude, fake_telegram
):
    set_ttl("1h")

    post_update(text_update(f"/opus {LONG}"))

    [entry] = replies()
    hold = Reservation.objects.get(cost_usd=entry.cost_usd).amount_usd
    all_written = entry.cache_write_tokens + entry.cache_read_tokens + entry.input_tokens
    uncached = (all_written * Decimal(4) + entry.output_tokens * Decimal(20)) / 10**6
    assert entry.cost_usd > uncached  # a write costs more than plain input
    assert hold >= entry.cost_usd


def test_each_reply_asks_the_apis_cache_diagnostics_why_it_missed_the_last_ones_cache(
    post_update, fake_claude, fake_telegram
):
    post_update(text_update(f"/sonnet {LONG}"))
    post_update(text_update("/sonnet And which beds get the most sun?"))
    post_update(text_update("/opus And what should I sow first?"))

    first, second, third = [c for c in fake_claude.calls if not c.params.get("tools")]
    assert first.headers["anthropic-beta"] == "cache-diagnosis-2026-04-07"
    assert first.params["diagnostics"] == {"previous_message_id": None}
    entries = replies()
    assert second.params["diagnostics"] == {"previous_message_id": entries[0].message_id}
    assert entries[0].message_id.startswith("msg_")
    # The same tier appends to the conversation; a switch changes the model: a miss.
    assert [e.cache_miss_reason for e in entries] == ["", "", "model_changed"]


def answer_marker(call) -> dict | None:
    """The cache marker on the last answer of a recorded request (None: unmarked)."""
    content = call.params["messages"][-2]["content"]
    return None if isinstance(content, str) else content[-1].get("cache_control")


def test_a_fallback_tier_is_not_asked_to_write_an_hours_entry_it_does_not_hold(
    post_update, fake_claude, fake_telegram
):
    post_update(text_update(f"/sonnet {LONG}"))
    post_update(text_update("/sonnet And which beds get the most sun?"))
    fake_claude.queue_error(529, times=3)  # Sonnet's try and the SDK's two retries

    post_update(text_update("/sonnet And what should I sow first?"))

    replied = [c for c in fake_claude.calls if not c.params.get("tools")]
    assert replied[-1].params["model"] == "claude-haiku-5-5"
    # Sonnet's cache is warm, Haiku's is cold: Haiku writes all of it for 5 minutes.
    assert answer_marker(replied[1]) == {"type": "ephemeral", "ttl": "1h"}
    assert answer_marker(replied[-1]) is None
    fallback = LedgerEntry.objects.get(reason="fallback")
    assert (fallback.cache_write_1h_tokens, fallback.cache_read_tokens) == (0, 0)
    assert fallback.cache_write_tokens > 512
    assert fallback.cost_usd == cost_by_hand(fallback, "haiku")


def test_continue_reads_the_cache_of_the_reply_it_goes_on_from(
    post_update, fake_claude, fake_telegram
):
    fake_claude.stop_reason = "max_tokens"
    post_update(text_update(f"/sonnet {LONG}"))
    fake_claude.stop_reason = "end_turn"
    [[button, _]] = fake_telegram.calls("sendMessage")[-1]["reply_markup"]["inline_keyboard"]

    post_update(
        button_update(button["callback_data"], message_id=fake_telegram.sent[-1]["message_id"])
    )

    first, going_on = replies()
    assert going_on.reason == "continue"
    assert going_on.cache_read_tokens == first.cache_write_tokens > 512
    assert going_on.cost_usd == cost_by_hand(going_on, "sonnet")


def test_ask_opus_marks_its_prompt_for_caching(post_update, fake_claude, fake_telegram):
    post_update(text_update("What should I cook tonight?"))
    reply = ChatMessage.objects.filter(role="assistant").latest("id")

    post_update(ask_opus_tap(reply))

    asked = fake_claude.calls[-1].params
    assert asked["model"] == "claude-opus-5-5"
    assert asked["cache_control"] == {"type": "ephemeral", "ttl": "5m"}
    assert asked["system"][0]["cache_control"] == {"type": "ephemeral", "ttl": "1h"}


# About 450 tokens: two of them pass the compaction threshold set below.
HALF = "Bed one gets the morning sun and bed two the evening shade. " * 30


def test_after_a_compaction_the_rewritten_prompt_is_written_for_5_minutes_not_an_hour(
    post_update, fake_claude, fake_telegram
):
    HeartbeatSettings.objects.update_or_create(
        pk=1, defaults={"compaction_threshold_tokens": 600, "compaction_keep_tokens": 500}
    )
    post_update(text_update(f"/sonnet {HALF}"))
    post_update(text_update(f"/sonnet {HALF} And the beds by the wall?"))
    assert LedgerEntry.objects.filter(feature="compaction").exists()  # the first turn summarised

    post_update(text_update("/sonnet And what should I sow first?"))

    *_, second, third = replies()
    assert second.cache_write_tokens > 0  # Sonnet's cache was warm…
    third_call = [c for c in fake_claude.calls if c.params["model"] == "claude-sonnet-5-5"][-1]
    assert "Summary of the earlier conversation" in third_call.params["system"][0]["text"]
    # …but a new summary comes before every turn: nothing is read, and the rewritten
    # prompt is not paid at the hour's price.
    assert answer_marker(third_call) is None
    assert (third.cache_read_tokens, third.cache_write_1h_tokens) == (0, 0)
    assert third.cache_write_tokens > 512
