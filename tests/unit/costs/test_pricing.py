"""Cost maths for every seeded price, from usage objects as the API returns them; token
estimates; sums of many calls at another model's prices. No database: the seeded price
table is read as price rules."""

import json
from decimal import Decimal

import pytest

from costs.pricing import (
    PDF_PAGE_IMAGE_TOKENS,
    PDF_PAGE_TEXT_TOKENS,
    TOOL_USE_SYSTEM_PROMPT_TOKENS,
    TokenUsage,
    cached_prompt_usage,
    estimated_tokens,
    exact_usd,
    find_rule,
    image_token_bound,
    pdf_token_bound,
    prompt_token_bound,
    totals_cost,
    usage_cost,
    worst_case_cost,
)
from tests.unit.prices import SEEDED_RULES, call_cost

# input, output, 5-minute write, 1-hour write, cache read tokens
SHAPE = {
    "input_tokens": 10_000,
    "output_tokens": 2_000,
    "cache_creation_input_tokens": 4_000,
    "cache_creation": {"ephemeral_5m_input_tokens": 3_000, "ephemeral_1h_input_tokens": 1_000},
    "cache_read_input_tokens": 20_000,
}


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        # 10k x in + 2k x out + 3k x 5m + 1k x 1h + 20k x read, per million
        ("claude-opus-5-5", "0.040 + 0.040 + 0.015 + 0.008 + 0.004"),
        ("claude-opus-5", "0.050 + 0.050 + 0.01875 + 0.010 + 0.010"),
        ("claude-sonnet-5-5", "0.020 + 0.020 + 0.0075 + 0.004 + 0.002"),
        ("claude-sonnet-5", "0.020 + 0.020 + 0.0075 + 0.004 + 0.004"),
        ("claude-haiku-5-5", "0.001 + 0.001 + 0.000375 + 0.0002 + 0.0002"),
        ("claude-haiku-4-5", "0.010 + 0.010 + 0.00375 + 0.002 + 0.002"),
    ],
)
def test_every_seeded_model_prices_all_token_kinds(model, expected):
    total = sum(Decimal(part) for part in expected.split(" + "))

    assert call_cost(model=model, usage=TokenUsage.from_api(SHAPE)) == total


def test_haiku_5_5_bills_a_long_prompt_at_its_higher_prices_on_every_token():
    # 90k input + 11k cache read = 101k prompt tokens: past the 100k threshold.
    usage = TokenUsage.from_api(
        {"input_tokens": 90_000, "output_tokens": 1_000, "cache_read_input_tokens": 11_000}
    )

    cost = call_cost(model="claude-haiku-5-5", usage=usage)

    assert cost == Decimal("0.045") + Decimal("0.0025") + Decimal("0.00055")


def test_haiku_5_5_keeps_the_low_price_at_exactly_the_threshold():
    usage = TokenUsage.from_api({"input_tokens": 100_000, "output_tokens": 1_000})

    assert call_cost(model="claude-haiku-5-5", usage=usage) == Decimal("0.0105")


def test_a_dated_model_id_is_priced_as_its_family():
    usage = TokenUsage.from_api({"input_tokens": 1_000_000, "output_tokens": 0})

    assert call_cost(model="claude-haiku-4-5-20251001", usage=usage) == Decimal("1")
    assert call_cost(model="claude-opus-5-5[1m]", usage=usage) == Decimal("4")


def test_the_most_specific_pattern_wins():
    usage = TokenUsage.from_api({"input_tokens": 1_000_000, "output_tokens": 0})

    # claude-opus-5 does not swallow claude-opus-5-5, and vice versa.
    assert call_cost(model="claude-opus-5-5", usage=usage) == Decimal("4")
    assert call_cost(model="claude-opus-5-20260724", usage=usage) == Decimal("5")


def test_cache_writes_without_a_split_are_priced_as_five_minute_writes():
    usage = TokenUsage.from_api({"cache_creation_input_tokens": 1_000_000})

    assert call_cost(model="claude-sonnet-5-5", usage=usage) == Decimal("2.5")


def test_us_only_inference_costs_ten_percent_more():
    usage = TokenUsage.from_api(
        {"input_tokens": 1_000_000, "output_tokens": 0, "inference_geo": "us"}
    )

    assert call_cost(model="claude-sonnet-5-5", usage=usage) == Decimal("2.2")


def test_fast_mode_doubles_opus_5_5():
    usage = TokenUsage.from_api({"input_tokens": 0, "output_tokens": 1_000_000, "speed": "fast"})

    assert call_cost(model="claude-opus-5-5", usage=usage) == Decimal("40")


def test_a_sdk_usage_object_reads_like_its_dict():
    from anthropic.types import Usage

    usage = Usage.model_validate(SHAPE)

    assert TokenUsage.from_api(usage) == TokenUsage.from_api(SHAPE)
    assert TokenUsage.from_api(usage).prompt_tokens == 34_000


def test_an_unknown_model_is_priced_at_the_dearest_known_rate_of_each_kind():
    usage = TokenUsage.from_api({"input_tokens": 1_000_000, "output_tokens": 1_000_000})

    assert call_cost(model="claude-mystery-9", usage=usage) == Decimal("5") + Decimal("25")


def test_totals_at_another_models_prices_keep_the_cache_lifetime_and_the_multipliers():
    opus = find_rule("claude-opus-5-5", SEEDED_RULES)
    plain = TokenUsage(input_tokens=1_000_000, cache_write_1h_tokens=1_000_000)
    us = TokenUsage(cache_write_5m_tokens=1_000_000, inference_geo="us")
    fast = TokenUsage(output_tokens=1_000_000, speed="fast")

    # 4 input + 8 for 1-hour writes; 5 for 5-minute writes x 1.1 US-only; 20 output x 2 fast
    assert totals_cost([plain, us, fast], opus) == Decimal("12") + Decimal("5.5") + Decimal("40")


def test_totals_use_the_standard_rates_however_long_they_add_up():
    haiku = find_rule("claude-haiku-5-5", SEEDED_RULES)
    day = TokenUsage(input_tokens=1_000_000)  # many short calls, past the long-prompt threshold

    assert totals_cost([day], haiku) == Decimal("0.10")
    assert usage_cost(day, haiku) == Decimal("0.50")  # as one call it would be a long prompt


def test_token_estimates_are_typical_and_the_bound_is_never_below_the_bytes():
    assert estimated_tokens("") == 1 and estimated_tokens("x" * 400) == 101
    messages = [{"role": "user", "content": "héllo"}]

    assert prompt_token_bound("sys", messages) == 3 + 6 + 8 + 64


def test_sending_tools_bounds_their_definitions_and_anthropics_tool_use_prompt():
    messages = [{"role": "user", "content": "héllo"}]
    tools = [{"name": "remember", "input_schema": {"type": "object"}}]

    assert prompt_token_bound("sys", messages, tools) == (
        prompt_token_bound("sys", messages) + len(json.dumps(tools)) + TOOL_USE_SYSTEM_PROMPT_TOKENS
    )
    assert prompt_token_bound("sys", messages, []) == prompt_token_bound("sys", messages)


def test_the_worst_case_holds_every_prompt_token_at_the_dearest_prompt_rate():
    sonnet = find_rule("claude-sonnet-5-5", SEEDED_RULES)

    # 1M prompt tokens at the 1-hour write price (4), 1M output (10), x 1.1 in case of US-only
    assert worst_case_cost(sonnet, prompt_tokens=1_000_000, max_output_tokens=1_000_000) == Decimal(
        "15.4"
    )


def test_an_image_is_bounded_by_its_pixels_as_anthropic_counts_them():
    # A 1092×1092 image: 39 × 39 = 1,521 patches of 28 px, or 1,590 by width × height / 750.
    assert image_token_bound(1092, 1092) == 1590
    # A thin strip: the patches (each partial one counted whole) are the larger count.
    assert image_token_bound(1000, 10) == 36 * 1
    assert image_token_bound(1, 1) == 1


def test_a_pdf_is_bounded_by_its_pages_text_and_page_image():
    assert pdf_token_bound(1) == PDF_PAGE_TEXT_TOKENS + PDF_PAGE_IMAGE_TOKENS == 7784
    assert pdf_token_bound(12) == 12 * 7784


def test_image_and_document_blocks_are_left_to_the_callers_media_tokens():
    picture = {"type": "image", "source": {"type": "base64", "data": "A" * 100_000}}
    text = {"type": "text", "text": "héllo"}
    blocks = [{"role": "user", "content": [picture, text]}]
    plain = [{"role": "user", "content": "héllo"}]

    assert prompt_token_bound("sys", blocks) == prompt_token_bound("sys", plain)
    assert prompt_token_bound("sys", blocks, media_tokens=1590) == (
        prompt_token_bound("sys", plain) + 1590
    )


def test_a_block_that_is_neither_text_nor_media_is_bounded_by_its_json():
    block = {"type": "search_result", "source": "x", "content": []}
    messages = [{"role": "user", "content": [block]}]

    assert prompt_token_bound("", messages) == len(json.dumps(block)) + 8 + 64


@pytest.mark.parametrize("model", ["claude-haiku-5-5", "claude-sonnet-5-5", "claude-opus-5-5"])
@pytest.mark.parametrize("ttl", ["5m", "1h"])
def test_the_worst_case_covers_a_cold_cache_writing_the_whole_prompt(model, ttl):
    rule = find_rule(model, SEEDED_RULES)
    cold = cached_prompt_usage(
        rule, cached_tokens=0, new_tokens=30_000, output_tokens=2_000, ttl=ttl
    )
    plain = TokenUsage(input_tokens=30_000, output_tokens=2_000)

    assert usage_cost(cold, rule) > usage_cost(plain, rule)  # a write costs more than input
    assert worst_case_cost(rule, prompt_tokens=30_000, max_output_tokens=2_000) >= usage_cost(
        cold, rule
    )


def test_a_warm_prompt_reads_its_cached_part_and_writes_the_rest_at_its_lifetime():
    sonnet = find_rule("claude-sonnet-5-5", SEEDED_RULES)

    usage = cached_prompt_usage(
        sonnet, cached_tokens=9_000, new_tokens=1_000, output_tokens=500, ttl="1h"
    )

    assert (usage.cache_read_tokens, usage.cache_write_1h_tokens) == (9_000, 1_000)
    # 9k read at 0.10, 1k written for an hour at 4, 500 output at 10, per million
    assert usage_cost(usage, sonnet) == Decimal("0.0009") + Decimal("0.004") + Decimal("0.005")


def test_a_prompt_below_the_models_minimum_is_plain_input():
    haiku_4_5 = find_rule("claude-haiku-4-5", SEEDED_RULES)  # caches from 4,096 tokens

    usage = cached_prompt_usage(
        haiku_4_5, cached_tokens=3_000, new_tokens=1_000, output_tokens=0, ttl="5m"
    )

    assert usage == TokenUsage(input_tokens=4_000)


def test_a_database_sum_of_usd_is_shown_to_the_ledgers_places():
    # SQLite sums decimals as floats: 0.0123125 + 0.056 came back with float noise.
    assert exact_usd(Decimal("0.0683125000000001")) == Decimal("0.0683125000")
    assert exact_usd(Decimal("0.0683125001000000")) == Decimal("0.0683125001")
    assert exact_usd(None) == Decimal(0)
