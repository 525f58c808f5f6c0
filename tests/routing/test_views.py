"""The router playground, server side (the browser test drives it too)."""

import pytest

from costs.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_the_playground_routes_without_calling_a_model(staff):
    response = staff.post(
        "/dashboard/playground/",
        {"message": "prove that sqrt(2) is irrational", "budget_used": "0.85"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="decision"')
    assert "claude-sonnet-5-5" in html
    assert "(Using Sonnet — budget at 85%)" in html
    assert "Intended tier: opus (downgraded: budget_downgrade)" in html
    assert LedgerEntry.objects.count() == 0


def test_the_playground_shows_each_signal_and_its_contribution(staff):
    response = staff.post(
        "/dashboard/playground/",
        {"message": "prove that the halting problem is undecidable", "budget_used": "0"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert '<table id="signals">' in html
    assert "hard task (proof, system design, concurrency)" in html and "hard_opening" in html
    assert "wording typical of asks at this level: " in html  # and its heaviest words


def test_the_playground_stays_on_a_warm_tier_when_switching_costs_more(staff):
    response = staff.post(
        "/dashboard/playground/",
        {"message": "write a cover letter for a barista job", "warm_tier": "opus"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert '<span class="pill opus"' in html
    assert "Stayed on the warm cache (<code>cache_warm</code>): the router picked sonnet" in html
    assert "cache warm on Opus: staying costs about $" in html


def test_the_playground_never_stays_on_a_warm_tier_weaker_than_the_pick(staff):
    response = staff.post(
        "/dashboard/playground/",
        {"message": "write a cover letter for a barista job", "warm_tier": "haiku"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert '<span class="pill sonnet"' in html
    assert "Switched away from the warm haiku cache" in html
