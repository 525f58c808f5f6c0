"""The dashboard and router playground, server side (the browser test drives them too)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from costs.models import LedgerEntry
from costs.pricing import TokenUsage
from costs.services import ledger_entry_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(User.objects.create_user("owner", is_staff=True))
    return client


def entry(model, tier, cost, *, days_ago=0, reason="", inp=1000, out=100):
    ledger_entry_create(
        feature="message",
        intended_model=model,
        actual_model=model,
        tier=tier,
        intended_tier=tier,
        reason=reason,
        cost_usd=Decimal(cost),
        usage=TokenUsage(input_tokens=inp, output_tokens=out),
        routing_reasons=[f"reason for {tier}"],
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/dashboard/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_it_shows_spend_mix_savings_and_decisions(staff):
    # 1,000 in + 100 out at Haiku 5.5 and at Opus 5.5 prices.
    entry("claude-haiku-5-5", "haiku", "0.00015")
    entry("claude-opus-5-5", "opus", "0.006", days_ago=2)

    page = staff.get("/dashboard/?period=7d").content.decode()

    assert "Tier mix (2 messages)" in page
    assert "$0.0062" in page  # spend over 7 days
    assert "The same calls at Opus prices: $0.0120" in page
    assert "routing saved <strong>$0.0059</strong> (49%)" in page
    assert "reason for opus" in page
    assert 'data-period="7d" class="here"' in page


def test_the_period_switch_returns_only_the_summary_partial(staff):
    entry("claude-opus-5-5", "opus", "0.006", days_ago=2)

    today = staff.get(
        "/dashboard/?period=today", headers={"HX-Request": "true", "HX-Target": "summary"}
    ).content.decode()

    assert today.lstrip().startswith('<div id="summary" data-period="today">')
    assert "<html" not in today
    assert "Tier mix (0 messages)" in today


def test_decisions_can_be_filtered_by_tier_and_reason(staff):
    entry("claude-haiku-5-5", "haiku", "0.0001", reason="budget_95")
    entry("claude-opus-5-5", "opus", "0.006")

    html = staff.get("/dashboard/decisions/?reason=budget_95").content.decode()

    assert "reason for haiku" in html and "reason for opus" not in html
    assert "hx-trigger=\"every 10s [document.visibilityState === 'visible']\"" in html


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
    assert "Intended tier: opus (downgraded: budget_80)" in html
    assert LedgerEntry.objects.count() == 0
