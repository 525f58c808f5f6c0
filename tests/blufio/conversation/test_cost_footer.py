"""The cost line under replies (an admin setting, off by default) and /usage, which shows
the dashboard's numbers."""

import re
from decimal import Decimal

import pytest

from blufio.conversation import texts
from costs.models import BudgetSettings, LedgerEntry
from tests.conftest import text_update
from tests.helpers import ledger_row, spend_now

pytestmark = pytest.mark.django_db


def footer_on() -> None:
    BudgetSettings.objects.update_or_create(pk=1, defaults={"cost_footer": True})


def test_replies_have_no_cost_line_by_default(post_update, fake_claude, fake_telegram):
    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    assert fake_telegram.sent_texts() == ["Hello from Claude."]


def test_with_the_setting_on_each_reply_ends_with_its_cost_and_todays_spend(
    post_update, fake_claude, fake_telegram
):
    footer_on()
    spend_now("0.6146")

    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    [sent] = fake_telegram.calls("sendMessage")
    # 1,200 input and 300 output tokens at Sonnet's prices: $0.0054; today $0.62 with it.
    assert LedgerEntry.objects.get().cost_usd == Decimal("0.0054")
    assert sent["text"] == "Hello from Claude.\n\nSonnet · $0.005 · today $0.62 of $5"
    footer = sent["text"].index("Sonnet")
    assert {"type": "italic", "offset": footer, "length": 35} in sent["entities"]


def test_the_cost_line_is_kept_out_of_a_group(post_update, fake_claude, fake_telegram, settings):
    from blufio.models import AllowedGroup

    footer_on()
    AllowedGroup.objects.create(chat_id=-100, name="family")
    update = text_update("What should I cook tonight with leeks, eggs and rice?")
    update["message"]["chat"] = {"id": -100, "type": "group", "title": "family"}

    post_update(update)

    assert fake_telegram.sent_texts() == ["Hello from Claude."]


@pytest.mark.parametrize(
    ("cost", "shown"),
    [("0.0041", "$0.004"), ("0.0004", "<$0.001"), ("0", "$0.000"), ("0.0263", "$0.03")],
)
def test_a_calls_cost_is_shown_to_a_tenth_of_a_cent(cost, shown):
    line = texts.cost_footer(
        tier="haiku", cost=Decimal(cost), spent=Decimal("1.5"), cap=Decimal("7.50")
    )

    assert line == f"_Haiku · {shown} · today $1.50 of $7.50_"


def dashboard_spend(staff, period: str) -> dict[str, str]:
    """The dashboard's "Spend by tier" lines for a period: label -> cost."""
    html = staff.get(f"/dashboard/?period={period}").content.decode()
    table = html[html.index('id="by-tier"') :].split("</table>")[0]
    rows = re.findall(
        r"<td>([^<]+)</td><td class=\"num\">(\d+)</td><td class=\"num\">([^<]+)<", table
    )
    return {label: f"{cost} ({calls})" for label, calls, cost in rows}


def usage_spend(text: str, heading: str) -> dict[str, str]:
    """The /usage lines under `heading` ("Today", "This month"): label -> cost."""
    section = text.split(f"{heading}: ", 1)[1].splitlines()[1:]
    found = {}
    for line in section:
        match = re.fullmatch(r"  (.+): (\$[\d.,]+) \((\d+) calls?\)", line)
        if not match:
            break
        found[match[1]] = f"{match[2]} ({match[3]})"
    return found


def test_usage_shows_spend_by_tier_with_the_dashboards_numbers(
    staff, post_update, fake_claude, fake_telegram
):
    ledger_row("claude-haiku-5-5", "0.0010", tier="haiku")
    ledger_row("claude-opus-5-5", "0.2500", tier="opus", days_ago=1)
    ledger_row("claude-haiku-5-5", "0.0002", tier="", feature="extraction")
    ledger_row("claude-haiku-5-5", "0.0003", tier="", feature="heartbeat", days_ago=40)
    spend_now("0.0012")

    post_update(text_update("/usage"))

    [text] = fake_telegram.sent_texts()
    assert fake_claude.calls == []
    assert text.splitlines()[:5] == [
        "Today: $0.0012",
        "  Haiku: $0.0010 (1 call)",
        "  Sonnet: $0.0000 (0 calls)",
        "  Opus: $0.0000 (0 calls)",
        "  Memory: $0.0002 (1 call)",
    ]
    assert text.endswith("Today's budget: $0.00 of $5.00.")
    today, month = usage_spend(text, "Today"), usage_spend(text, "This month")
    assert today == dashboard_spend(staff, "today")
    assert month == dashboard_spend(staff, "month")
    assert "Check-ins" not in today  # forty days ago, in neither period


def test_usage_is_not_posted_in_a_group(post_update, fake_claude, fake_telegram):
    from blufio.models import AllowedGroup

    AllowedGroup.objects.create(chat_id=-100, name="family")
    update = text_update("/usage")
    update["message"]["chat"] = {"id": -100, "type": "group", "title": "family"}

    post_update(update)

    assert fake_telegram.sent_texts() == [texts.SPEND_IN_PRIVATE_ONLY_TEXT]
