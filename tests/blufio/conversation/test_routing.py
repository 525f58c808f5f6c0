"""Routing through Telegram end to end: prefixes, downgrades with notices, ledger models."""

from decimal import Decimal

import pytest

from blufio.models import ChatMessage
from costs.models import LedgerEntry
from routing.models import RoutingSettings
from tests.conftest import text_update
from tests.helpers import spend_now

pytestmark = pytest.mark.django_db
HARD = "prove that there are infinitely many primes of the form 4k+3"


def spend_share(share: str) -> None:
    spend_now(Decimal("5") * Decimal(share))  # of the default $5 daily budget


def test_an_opus_prefix_reaches_claude_as_opus_with_the_prefix_stripped(
    post_update, fake_claude, fake_telegram
):
    post_update(text_update("/opus what's a good name for a cat?"))

    [call] = fake_claude.calls
    assert call.params["model"] == "claude-opus-5-5"
    assert call.params["max_tokens"] == 4096
    assert call.params["messages"][-1]["content"] == "what's a good name for a cat?"
    entry = LedgerEntry.objects.get()
    assert (entry.intended_model, entry.actual_model, entry.override) == (
        "claude-opus-5-5",
        "claude-opus-5-5",
        "prefix",
    )
    assert ChatMessage.objects.filter(role="user").get().text == "what's a good name for a cat?"


def test_a_hard_question_at_85_percent_goes_out_as_sonnet_with_the_notice(
    post_update, fake_claude, fake_telegram
):
    spend_share("0.85")

    post_update(text_update(HARD))

    assert fake_claude.calls[0].params["model"] == "claude-sonnet-5-5"
    reply = fake_telegram.sent_texts()[0]
    assert reply.startswith("(Using Sonnet — budget at 85%)\n\nHello from Claude.")
    entry = LedgerEntry.objects.get()
    assert (entry.intended_model, entry.actual_model, entry.reason) == (
        "claude-opus-5-5",
        "claude-sonnet-5-5",
        "budget_downgrade",
    )
    assert (entry.intended_tier, entry.tier) == ("opus", "sonnet")
    assert entry.routing_reasons[-1] == "budget at 85%: opus → sonnet"


def test_anything_at_96_percent_goes_out_as_haiku(post_update, fake_claude, fake_telegram):
    spend_share("0.96")

    post_update(text_update("write a cover letter for a barista job"))

    assert fake_claude.calls[0].params["model"] == "claude-haiku-5-5"
    assert fake_telegram.sent_texts()[0].startswith("(Using Haiku — budget at 96%)")
    entry = LedgerEntry.objects.get()
    assert (entry.intended_model, entry.actual_model, entry.reason) == (
        "claude-sonnet-5-5",
        "claude-haiku-5-5",
        "budget_haiku_only",
    )


def test_a_prefix_is_honoured_over_the_downgrades(post_update, fake_claude, fake_telegram):
    spend_share("0.96")

    post_update(text_update("/opus " + HARD))

    assert fake_claude.calls[0].params["model"] == "claude-opus-5-5"
    assert fake_telegram.sent_texts()[0].startswith("(Using Opus as asked — budget at 96%)")


def test_a_bare_prefix_gets_help_and_no_model_call(post_update, fake_claude, fake_telegram):
    post_update(text_update("/opus"))

    assert fake_claude.calls == []
    assert fake_telegram.sent_texts()[0].startswith("Add your message after /opus")
    assert LedgerEntry.objects.count() == 0


def test_force_model_sends_everything_to_one_tier(post_update, fake_claude, fake_telegram):
    RoutingSettings.objects.update_or_create(pk=1, defaults={"force_model": "haiku"})

    post_update(text_update(HARD))

    assert fake_claude.calls[0].params["model"] == "claude-haiku-5-5"
    assert LedgerEntry.objects.get().override == "force"


def test_momentum_keeps_a_follow_up_on_opus(post_update, fake_claude, fake_telegram):
    post_update(text_update(HARD))
    post_update(text_update("and the edge cases?"))
    post_update(text_update("thanks!"))

    models = [call.params["model"] for call in fake_claude.calls]
    assert models == ["claude-opus-5-5", "claude-opus-5-5", "claude-haiku-5-5"]


def test_crossing_a_threshold_alerts_the_owner_once(post_update, fake_claude, fake_telegram):
    spend_share("0.7999")
    fake_claude.usage = {"input_tokens": 1000, "output_tokens": 1000}

    post_update(text_update("write a haiku about autumn"))  # Sonnet: 1.2 cents, past 80%
    post_update(text_update("write one about winter"))

    alerts = [t for t in fake_telegram.sent_texts() if t.startswith("⚠️ Budget alert")]
    assert alerts == [
        "⚠️ Budget alert: today's spend passed 80% ($4.01 of $5.00); replies now use one "
        "tier cheaper until 00:00 UTC. A /opus or /sonnet prefix still works until the cap."
    ]
    assert len(fake_claude.calls) == 2
