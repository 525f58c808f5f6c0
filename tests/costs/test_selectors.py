"""Reads: prices from the price table, and the ledger's totals at another model's prices."""

from decimal import Decimal

import pytest

from costs.pricing import TokenUsage
from costs.selectors import cost_at_prices, ledger_rollup, period_bounds
from tests.helpers import call_cost, ledger_row

pytestmark = pytest.mark.django_db


def test_an_unknown_model_is_charged_at_the_dearest_known_prices_and_logged(caplog):
    usage = TokenUsage.from_api({"input_tokens": 1_000_000, "output_tokens": 1_000_000})

    cost = call_cost(model="claude-mystery-9", usage=usage)

    assert cost == Decimal("5") + Decimal("25")
    assert "No price for model 'claude-mystery-9'" in caplog.text


def test_the_savings_baseline_prices_one_hour_writes_and_us_only_calls_as_they_were():
    ledger_row("claude-haiku-5-5", usage=TokenUsage(cache_write_1h_tokens=1_000_000))
    ledger_row("claude-haiku-5-5", usage=TokenUsage(input_tokens=1_000_000, inference_geo="us"))
    start, end = period_bounds("today")

    # At Opus 5.5's prices: 1-hour writes at 8, not the 5-minute 5; US-only input 4 x 1.1.
    assert cost_at_prices(ledger_rollup(start=start, end=end)) == Decimal("8") + Decimal("4.4")
