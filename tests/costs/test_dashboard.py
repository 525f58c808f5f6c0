"""The spend dashboard, server side (the browser test drives it too)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.helpers import ledger_row

pytestmark = pytest.mark.django_db


def entry(model, tier, cost, *, days_ago=0, reason=""):
    ledger_row(
        model,
        cost,
        tier=tier,
        reason=reason,
        days_ago=days_ago,
        input_tokens=1000,
        output_tokens=100,
        routing_reasons=[f"reason for {tier}"],
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


def test_downgrades_count_only_replies_not_from_the_routers_tier(staff):
    entry("claude-haiku-5-5", "haiku", "0.0001", reason="budget_haiku_only")
    entry("claude-haiku-5-5", "haiku", "0.0001", reason="fallback")
    for reason in ("retry_up", "continue", "cache_warm"):  # the owner's asking; a stay
        entry("claude-opus-5-5", "opus", "0.006", reason=reason)

    page = staff.get("/dashboard/?period=7d").content.decode()

    panel = page.split("<h2>Downgrades by day and reason</h2>", 1)[1].split("</section>", 1)[0]
    assert "budget_haiku_only" in panel and "fallback" in panel
    assert not any(reason in panel for reason in ("retry_up", "continue", "cache_warm"))
    assert "<th>Reason</th>" in page  # the decisions table shows every ledger reason


def test_the_period_switch_returns_only_the_summary_partial(staff):
    entry("claude-opus-5-5", "opus", "0.006", days_ago=2)

    today = staff.get(
        "/dashboard/?period=today", headers={"HX-Request": "true", "HX-Target": "summary"}
    ).content.decode()

    assert today.lstrip().startswith('<div id="summary" data-period="today">')
    assert "<html" not in today
    assert "Tier mix (0 messages)" in today


def test_decisions_can_be_filtered_by_tier_and_reason(staff):
    entry("claude-haiku-5-5", "haiku", "0.0001", reason="budget_haiku_only")
    entry("claude-opus-5-5", "opus", "0.006")

    html = staff.get("/dashboard/decisions/?reason=budget_haiku_only").content.decode()

    assert "reason for haiku" in html and "reason for opus" not in html
    assert "hx-trigger=\"every 10s [document.visibilityState === 'visible']\"" in html


def test_it_shows_the_heartbeat_budget_apart_from_the_daily_budget(staff):
    from costs.services import budget_reserve, budget_settle

    budget_settle(
        reservation=budget_reserve(amount=Decimal("0.5"), pool="heartbeat"), cost=Decimal("0.25")
    )

    page = staff.get("/dashboard/").content.decode()

    assert "Heartbeat budget this month" in page
    assert "$0.2500 <span" in page and "of $10.00" in page
    assert "2.5% used" in page
    assert "$0.00 <span" in page  # today's conversation budget is untouched


def test_the_heartbeat_panel_shows_check_ins_pending_items_and_extraction(staff):
    from blufio.models import ChatMessage, ChatSession
    from heartbeat.models import CheckIn, ExtractionRun, PendingItem

    session = ChatSession.objects.create(chat_id=1001, user_id=1001)
    now = timezone.now()
    for slot, outcome in enumerate(["sent", "sent", "nothing", "suppressed"]):
        CheckIn.objects.create(
            session=session, slot=now - timedelta(minutes=30 * slot), outcome=outcome, digest="d"
        )
    PendingItem.objects.create(session=session, kind="reminder", text="Call mom", due_at=now)
    PendingItem.objects.create(session=session, kind="follow_up", text="Read the contract")
    PendingItem.objects.create(session=session, kind="reminder", text="Old", status="done")
    for n, outcome in enumerate(["skipped", "skipped", "skipped", "extracted"]):
        message = ChatMessage.objects.create(session=session, role="user", text=f"m{n}")
        ExtractionRun.objects.create(message=message, outcome=outcome, items_created=n // 3 * 2)

    panel = staff.get("/dashboard/heartbeats/", headers={"HX-Request": "true"}).content.decode()

    assert "<html" not in panel
    assert '<td>sent</td><td class="num">2</td>' in panel
    assert '<td>nothing to say</td><td class="num">1</td>' in panel
    assert '<td>repeat, not sent</td><td class="num">1</td>' in panel
    assert "Pending (2) · done this month: 1" in panel
    assert panel.index("Call mom") < panel.index("Read the contract")
    assert "4 messages read; 3 skipped by heuristics without a model call (75%); 2 items" in panel
    assert "<html" in staff.get("/dashboard/heartbeats/").content.decode()
