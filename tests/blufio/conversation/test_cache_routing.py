"""Cache-aware routing: a reply stays on the tier holding the chat's warm cache when
switching would cost more, never on a weaker tier than the router's pick, and never
against a /prefix or the budget rules."""

from datetime import timedelta
from decimal import Decimal

import pytest

from costs.models import LedgerEntry
from routing.models import RoutingSettings
from tests.conftest import text_update
from tests.helpers import spend_now

pytestmark = pytest.mark.django_db

# A long conversation to keep warm: about 2,300 tokens in the fake's count.
GARDEN = "Here is the whole plan of my garden, bed by bed, with what grows where. " * 130
FOLLOW_UP = "what should go in the third bed"


@pytest.fixture
def router_picks_sonnet():
    """Bands that put every unprefixed message on Sonnet."""
    routing = RoutingSettings.get_solo()
    routing.sonnet_from, routing.opus_from = 0.001, 1.0
    routing.save()
    return routing


def replies() -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(feature="message").order_by("created_at", "id"))


def test_a_reply_stays_on_the_warm_opus_cache_when_switching_costs_more(
    router_picks_sonnet, post_update, fake_claude, fake_telegram
):
    post_update(text_update(f"/opus {GARDEN}"))
    post_update(text_update(FOLLOW_UP))

    first, second = replies()
    assert second.tier == "opus" and second.intended_tier == "sonnet"
    assert second.reason == "cache_warm"
    assert second.cache_read_tokens == first.cache_write_tokens  # Opus's cache was read
    assert any(
        r.startswith("cache warm on Opus: staying costs about $") for r in second.routing_reasons
    )
    answer = [c for c in fake_claude.calls if not c.params.get("tools")][-1]
    assert answer.params["model"] == "claude-opus-5-5"
    sent = fake_telegram.sent_texts()[-1]
    assert sent == "Hello from Claude."  # no notice: nothing was downgraded or failed


def test_a_switch_that_costs_less_goes_to_the_routers_pick(
    router_picks_sonnet, post_update, fake_claude, fake_telegram
):
    fake_claude.usage = {"output_tokens": 2000}  # long answers: Opus's output price dominates
    post_update(text_update(f"/opus {GARDEN}"))
    post_update(text_update(FOLLOW_UP))

    _, second = replies()
    assert (second.tier, second.reason) == ("sonnet", "")
    assert second.cache_read_tokens == 0  # Sonnet writes its own cache


def test_a_stay_is_priced_with_each_tiers_own_answer_length(
    router_picks_sonnet, post_update, fake_claude, fake_telegram
):
    """Opus writes longer answers than Sonnet here: its output, not the cache, decides."""
    fake_claude.usage = {"output_tokens": 30}
    post_update(text_update("/sonnet hi"))
    fake_claude.usage = {"output_tokens": 300}
    post_update(text_update(f"/opus {GARDEN}"))
    post_update(text_update(FOLLOW_UP))

    *_, third = replies()
    # Priced with Opus's 300 tokens on both tiers, staying would look cheaper (as in the
    # first test); with Sonnet's 30, switching is.
    assert (third.tier, third.reason) == ("sonnet", "")


def test_it_never_stays_on_a_tier_weaker_than_the_routers_pick(
    router_picks_sonnet, post_update, fake_claude, fake_telegram
):
    post_update(text_update(f"/haiku {GARDEN}"))
    post_update(text_update(FOLLOW_UP))

    _, second = replies()
    assert (second.tier, second.reason) == ("sonnet", "")


def test_a_prefix_wins_over_a_warm_cache(
    router_picks_sonnet, post_update, fake_claude, fake_telegram
):
    post_update(text_update(f"/opus {GARDEN}"))
    post_update(text_update(f"/sonnet {FOLLOW_UP}"))

    _, second = replies()
    assert (second.tier, second.reason, second.override) == ("sonnet", "", "prefix")


def test_the_budget_rules_win_over_a_warm_cache(
    router_picks_sonnet, post_update, fake_claude, fake_telegram
):
    post_update(text_update(f"/opus {GARDEN}"))
    spend_now(Decimal("4.10"))  # 82% of the $5 day: Sonnet becomes Haiku
    post_update(text_update(FOLLOW_UP))

    _, second = replies()
    assert (second.tier, second.reason) == ("haiku", "budget_downgrade")


def test_an_expired_cache_is_not_a_reason_to_stay(
    router_picks_sonnet, post_update, fake_claude, fake_telegram
):
    post_update(text_update(f"/opus {GARDEN}"))
    LedgerEntry.objects.update(
        created_at=LedgerEntry.objects.get().created_at - timedelta(minutes=6)
    )
    post_update(text_update(FOLLOW_UP))

    _, second = replies()
    assert (second.tier, second.reason) == ("sonnet", "")


def test_the_admin_can_turn_cache_aware_routing_off(
    router_picks_sonnet, post_update, fake_claude, fake_telegram
):
    router_picks_sonnet.cache_aware_routing = False
    router_picks_sonnet.save()

    post_update(text_update(f"/opus {GARDEN}"))
    post_update(text_update(FOLLOW_UP))

    _, second = replies()
    assert (second.tier, second.reason) == ("sonnet", "")


def test_stays_are_counted_on_the_dashboard_and_in_the_api(
    router_picks_sonnet, post_update, fake_claude, fake_telegram, staff
):
    post_update(text_update(f"/opus {GARDEN}"))
    post_update(text_update(FOLLOW_UP))

    html = staff.get("/dashboard/?period=today").content.decode()
    assert 'stayed on a warm cache: <span id="cache-warm-count">1</span>' in html
    assert '<option value="cache_warm">stayed on a warm cache</option>' in html
    stats = staff.get("/api/stats?period=today").json()
    assert (stats["cache_warm_stays"], stats["cache_warm_rate"]) == (1, 0.5)
