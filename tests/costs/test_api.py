"""GET /api/budget, /api/costs, /api/stats, /api/ledger and its CSV export."""

import csv
import io
from decimal import Decimal

import pytest

from costs.services import budget_reserve, budget_settle
from tests.helpers import ledger_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(staff):
    return staff


@pytest.fixture
def ledger():
    ledger_row("claude-haiku-5-5", "0.001", tier="haiku")
    ledger_row("claude-sonnet-5-5", "0.020", tier="haiku", reason="budget_downgrade")
    ledger_row("claude-opus-5-5", "0.100", tier="opus", days_ago=3)
    ledger_row("claude-haiku-5-5", "0.002", tier="", feature="extraction", days_ago=3)
    ledger_row("claude-opus-5-5", "9.999", tier="opus", days_ago=40)  # outside every period


def test_budget_shows_today_against_the_cap(api):
    reservation = budget_reserve(amount=Decimal("1"))
    budget_settle(reservation=reservation, cost=Decimal("1.25"))

    body = api.get("/api/budget").json()

    assert (body["cap_usd"], body["spent_usd"], body["used"]) == ("5.00", "1.2500000000", 0.25)
    assert body["month_spent_usd"] == "1.2500000000"


def test_a_fresh_budget_reads_as_plain_zeros(api):
    body = api.get("/api/budget").json()

    assert (body["spent_usd"], body["month_spent_usd"]) == ("0", "0")  # not "0E-10"


def test_costs_group_by_model_over_seven_days(api, ledger):
    body = api.get("/api/costs?period=7d&group_by=model").json()

    assert [(r["key"], Decimal(r["cost_usd"]), r["calls"]) for r in body["rows"]] == [
        ("claude-haiku-5-5", Decimal("0.003"), 2),
        ("claude-opus-5-5", Decimal("0.100"), 1),
        ("claude-sonnet-5-5", Decimal("0.020"), 1),
    ]
    assert Decimal(body["total_usd"]) == Decimal("0.123")


def test_costs_group_by_feature_and_by_day(api, ledger):
    features = api.get("/api/costs?period=today&group_by=feature").json()["rows"]
    days = api.get("/api/costs?period=30d&group_by=day").json()["rows"]

    assert [(r["key"], r["calls"]) for r in features] == [("message", 2)]
    assert [r["calls"] for r in days] == [2, 2]


def test_stats_give_the_tier_mix_and_rates(api, ledger):
    body = api.get("/api/stats?period=7d").json()

    assert body["messages"] == 3
    assert body["tier_mix"] == {"haiku": 2, "sonnet": 0, "opus": 1}
    assert body["downgrades"] == {"budget_downgrade": 1}
    assert body["downgrade_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert (body["fallbacks"], body["fallback_rate"]) == (0, 0.0)


def test_the_ledger_is_paginated_and_filterable(api, ledger):
    everything = api.get("/api/ledger?period=30d").json()
    opus = api.get("/api/ledger?period=30d&model=claude-opus-5-5").json()
    downgraded = api.get("/api/ledger?period=30d&reason=budget_downgrade").json()

    assert everything["count"] == 4
    assert [row["actual_model"] for row in opus["items"]] == ["claude-opus-5-5"]
    assert [row["tier"] for row in downgraded["items"]] == ["haiku"]


def test_the_ledger_exports_as_csv(api, ledger):
    response = api.get("/api/ledger.csv?period=7d&feature=message")

    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 3
    assert {row["actual_model"] for row in rows} == {
        "claude-haiku-5-5",
        "claude-sonnet-5-5",
        "claude-opus-5-5",
    }


@pytest.mark.parametrize(
    "url", ["/api/costs?period=year", "/api/costs?group_by=colour", "/api/ledger?page=0"]
)
def test_bad_parameters_get_the_shared_error_shape(api, url):
    response = api.get(url)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


@pytest.mark.parametrize(
    "url", ["/api/budget", "/api/costs", "/api/stats", "/api/ledger", "/api/ledger.csv"]
)
def test_anonymous_requests_are_refused(client, url):
    response = client.get(url)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
