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
