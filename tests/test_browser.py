"""The owner's pages in headless Chromium (Debian's build) through Playwright."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from blufio.models import ChatMessage
from costs.pricing import TokenUsage
from tests.helpers import ledger_row
from tests.services import CHROMIUM

# Playwright's sync API runs an event loop; the ORM calls in this test are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, prices):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    yield context.new_page()
    context.close()


def seed_ledger() -> None:
    """Twelve days of routed messages, priced from their tokens like real calls."""
    now = timezone.now()
    plan = [
        ("claude-haiku-5-5", "haiku", ""),
        ("claude-sonnet-5-5", "sonnet", ""),
        ("claude-opus-5-5", "opus", ""),
        ("claude-haiku-5-5", "haiku", "budget_haiku_only"),
    ]
    usage = TokenUsage(input_tokens=1500, output_tokens=400)
    for day in range(12):
        for model, tier, reason in plan[: 2 + day % 3]:
            ledger_row(
                model,
                tier=tier,
                intended_tier="opus" if reason else tier,
                reason=reason,
                usage=usage,
                routing_reasons=[f"seeded {tier}"],
                at=now,
                days_ago=day,
            )


def log_in(page, live_server) -> None:
    User.objects.create_user("owner", password="a-long-test-password", is_staff=True)
    page.goto(f"{live_server.url}/dashboard/")
    page.fill("#id_username", "owner")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")


def test_an_anonymous_visitor_is_sent_to_the_login_page(page, live_server):
    page.goto(f"{live_server.url}/dashboard/")

    expect(page).to_have_url(f"{live_server.url}/admin/login/?next=/dashboard/")


def test_the_owner_reads_the_dashboard_and_switches_the_period(page, live_server):
    seed_ledger()
    log_in(page, live_server)

    expect(page.locator("h2", has_text="Today's conversation budget")).to_be_visible()
    expect(page.locator("#summary")).to_have_attribute("data-period", "30d")
    expect(page.locator("#by-model")).to_contain_text("claude-opus-5-5")
    expect(page.locator("#heartbeat-budget")).to_contain_text("of $10.00")
    expect(page.locator("#heartbeats")).to_contain_text("Memory extraction")  # loaded by htmx
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

    page.click("nav.periods a[data-period='today']")

    expect(page.locator("#summary")).to_have_attribute("data-period", "today")
    expect(page.locator("#summary")).to_contain_text("Spend, today")
    expect(page).to_have_url(f"{live_server.url}/dashboard/?period=today")
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload


def test_the_playground_shows_the_decision_live(page, live_server):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/dashboard/playground/")

    page.fill(
        "textarea[name=message]",
        "just quickly prove there are infinitely many primes of the form 4k+3",
    )
    expect(page.locator("#decision")).to_contain_text("claude-opus-5-5", timeout=5000)

    page.select_option("select[name=budget_used]", "0.85")
    expect(page.locator("#decision")).to_contain_text("(Using Sonnet — budget at 85%)")
    expect(page.locator("#estimates")).to_contain_text("claude-haiku-5-5")


def test_the_savings_card_splits_the_savings_by_source(page, live_server):
    cached = TokenUsage(cache_read_tokens=9_000, cache_write_5m_tokens=1_000, output_tokens=500)
    for days_ago in (0, 1):
        ledger_row("claude-sonnet-5-5", tier="sonnet", usage=cached, days_ago=days_ago)
    log_in(page, live_server)

    card = page.locator("#savings")
    expect(card).to_contain_text("Prompt caching")
    # Uncached: 10,000 x $2/M + 500 x $10/M = $0.025 a call; cached it cost $0.0084.
    expect(card.locator("[data-source=caching]")).to_have_text("$0.0332")
    expect(card.locator("[data-source=local]")).to_have_text("$0.0000")
    expect(page.locator("#cache-hits")).to_contain_text("90% of input tokens read from the cache")
    expect(page.locator("#cache-hits-by-day > span")).to_have_count(2)


def test_a_thumbs_down_on_telegram_shows_on_the_routing_quality_panel(
    page, live_server, post_update, fake_claude, fake_telegram
):
    from tests.blufio.conversation.test_verdict import ask_opus_tap, reaction_update
    from tests.conftest import text_update

    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))  # Sonnet
    reply = ChatMessage.objects.get(role="assistant")
    post_update(reaction_update(reply.telegram_message_id, ["👎"]))
    post_update(ask_opus_tap(reply))
    log_in(page, live_server)

    sonnet = page.locator("#quality-tiers tr[data-tier='sonnet']")  # loaded by htmx
    expect(sonnet.locator("[data-col='down']")).to_have_text("1 (100%)")
    expect(sonnet.locator("[data-col='escalated']")).to_have_text("1 (100%)")
    expect(page.locator("#quality-tiers tr[data-tier='opus'] td").nth(1)).to_have_text("1")
    expect(page.locator("#quality-days")).to_contain_text("sonnet")
    page.locator("#routing-quality").screenshot(path=str(ARTIFACTS / "routing_quality.png"))

    page.goto(f"{live_server.url}/dashboard/playground/")

    expect(page.locator("#escalated-messages")).to_contain_text(
        "What should I cook tonight with leeks, eggs and rice?"
    )
    case = page.locator("#escalated-messages textarea").input_value()
    assert '"expected": "opus"' in case
