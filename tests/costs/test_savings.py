"""Savings by source: routing, prompt caching, stays on a warm cache and local answers,
and the share of input read from the cache, on the dashboard and in GET /api/stats."""

from decimal import Decimal

import pytest

from costs.pricing import TokenUsage
from costs.savings import period_savings
from costs.selectors import period_bounds
from tests.helpers import ledger_row

pytestmark = pytest.mark.django_db

# Sonnet 5.5: 1,000 input, 1,000 written for 5 minutes, 9,000 read, 500 output tokens.
CACHED = TokenUsage(
    input_tokens=1_000, cache_write_5m_tokens=1_000, cache_read_tokens=9_000, output_tokens=500
)


def savings():
    start, end = period_bounds("7d")
    return period_savings(start=start, end=end)


def test_caching_is_measured_against_the_same_calls_uncached_and_routing_against_opus():
    ledger_row("claude-sonnet-5-5", tier="sonnet", usage=CACHED)

    result = savings()
    # Uncached: 11,000 input at $2/M + 500 output at $10/M = $0.027. It cost 1,000 x 2 +
    # 1,000 x 2.50 + 9,000 x 0.10 + 500 x 10, per million: $0.0104.
    assert result.caching == Decimal("0.0166")
    # At Opus prices uncached: 11,000 x 4 + 500 x 20, per million: $0.054.
    assert result.routing == Decimal("0.027")
    assert result.hit_share == pytest.approx(9_000 / 11_000)
    assert [day.share for day in result.hits_by_day] == [pytest.approx(9_000 / 11_000)]


def test_a_local_answer_saves_what_its_tier_would_have_cost():
    ledger_row(
        "llama3.2",
        "0",
        tier="sonnet",
        reason="local",
        usage=TokenUsage(input_tokens=3_000, output_tokens=300),
    )

    result = savings()
    # 3,000 x $2/M + 300 x $10/M at Sonnet 5.5; the local model is never priced.
    assert result.local == Decimal("0.009")
    assert (result.routing, result.caching, result.hit_share) == (0, 0, 0.0)


def test_a_stay_on_a_warm_cache_is_measured_against_writing_the_prompt_on_the_pick():
    ledger_row(
        "claude-opus-5-5",
        tier="opus",
        intended_tier="sonnet",
        intended_model="claude-sonnet-5-5",
        reason="cache_warm",
        usage=TokenUsage(cache_read_tokens=8_000, cache_write_5m_tokens=200, output_tokens=300),
    )

    # On Sonnet: 8,200 written at $2.50/M + 300 x $10/M = $0.0235. On Opus it cost
    # 8,000 x 0.20 + 200 x 5 + 300 x 20, per million: $0.0086.
    assert savings().cache_warm == Decimal("0.0149")


def test_the_dashboard_card_and_the_api_show_the_sources(staff):
    ledger_row("claude-sonnet-5-5", tier="sonnet", usage=CACHED)

    html = staff.get("/dashboard/?period=7d").content.decode()
    assert '<td class="num" data-source="caching">$0.0166</td>' in html
    assert '<td class="num" data-source="routing">$0.0270</td>' in html
    assert "Cache hits: <strong>82%</strong> of input tokens read from the cache" in html
    body = staff.get("/api/stats?period=7d").json()
    assert body["messages"] == 1 and body["tier_mix"]["sonnet"] == 1  # the fields kept
    assert body["savings"] == {
        "routing_usd": "0.0270000000",
        "caching_usd": "0.0166000000",
        "cache_warm_usd": "0",
        "local_usd": "0",
        "total_usd": "0.0436000000",
    }
    assert body["cache_hit_share"] == 0.8182
    assert [day["share"] for day in body["cache_hit_share_by_day"]] == [0.8182]
    schema = staff.get("/api/openapi.json").json()["components"]["schemas"]
    assert (
        "against the same calls uncached"
        in schema["SavingsOut"]["properties"]["caching_usd"]["description"]
    )
