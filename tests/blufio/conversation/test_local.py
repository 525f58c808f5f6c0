"""The local model, so Blufio never goes silent: from the webhook through the worker,
answering when every Claude tier failed, or when the budget is spent and the owner
allowed it; at $0 in the ledger with reason `local`. Without the variables nothing
changes."""

from decimal import Decimal

import pytest

from blufio.models import ChatMessage, InboundUpdate
from costs.models import BudgetSettings, LedgerEntry
from tests.conftest import text_update

pytestmark = pytest.mark.django_db

UNAVAILABLE = "Claude is unavailable right now. I will retry your message in a minute."
LOCAL_WHEN_DOWN = (
    "(Answered by the local model llama3.2 — Claude is unavailable)\n\nHello from the local model."
)


def budget_spent(*, answer_locally: bool) -> None:
    BudgetSettings.objects.update_or_create(
        pk=1, defaults={"daily_budget_usd": Decimal(0), "local_when_spent": answer_locally}
    )


def test_when_every_claude_tier_fails_the_local_model_answers_at_no_cost(
    post_update, fake_claude, fake_telegram, fake_ollama
):
    fake_claude.queue_error(529, times=100)

    post_update(text_update("Are you there?"))

    assert fake_telegram.sent_texts() == [LOCAL_WHEN_DOWN]
    assert len(fake_claude.calls) == 6  # Haiku then Sonnet, three tries each
    [chat] = fake_ollama.calls
    assert chat.params["model"] == "llama3.2"
    assert chat.params["messages"][0]["role"] == "system"
    assert chat.params["messages"][-1] == {"role": "user", "content": "Are you there?"}
    local = LedgerEntry.objects.get(reason="local")
    assert (local.actual_model, local.cost_usd, local.outcome) == ("llama3.2", Decimal(0), "ok")
    assert (local.intended_model, local.input_tokens, local.output_tokens) == (
        "claude-haiku-5-5",
        42,
        7,
    )
    assert LedgerEntry.objects.filter(outcome="error").count() == 2  # the two Claude tiers
    assert InboundUpdate.objects.get().status == "done"
    reply = ChatMessage.objects.get(role="assistant")
    assert (reply.text, reply.model) == ("Hello from the local model.", "llama3.2")


def test_the_next_message_reads_the_local_answer_as_a_turn(
    post_update, fake_claude, fake_telegram, fake_ollama
):
    fake_claude.queue_error(529, times=6)
    post_update(text_update("My name is Ada."))

    post_update(text_update("What is my name?", update_id=2))

    assert fake_claude.calls[-1].params["messages"][:2] == [
        {"role": "user", "content": "My name is Ada."},
        {"role": "assistant", "content": "Hello from the local model."},
    ]


def test_when_the_local_model_fails_too_the_message_is_retried_as_before(
    post_update, fake_claude, fake_telegram, fake_ollama
):
    fake_claude.queue_error(529, times=6)
    fake_ollama.queue_error(500)

    post_update(text_update("Are you there?"))

    assert fake_telegram.sent_texts() == [UNAVAILABLE, "Hello from Claude."]
    failed = LedgerEntry.objects.get(reason="local")
    assert (failed.outcome, failed.cost_usd) == ("error", Decimal(0))


def test_without_the_variables_nothing_changes(post_update, fake_claude, fake_telegram, settings):
    settings.LOCAL_MODEL_URL = settings.LOCAL_MODEL_NAME = ""
    budget_spent(answer_locally=True)

    post_update(text_update("Are you there?"))

    assert fake_telegram.sent_texts()[0].startswith("Today's budget of $0.00 is spent")
    assert not LedgerEntry.objects.filter(reason="local").exists()


def test_a_spent_budget_is_answered_locally_when_the_owner_enabled_it(
    post_update, fake_claude, fake_telegram, fake_ollama
):
    budget_spent(answer_locally=True)

    post_update(text_update("What's a good name for a cat?"))

    assert fake_telegram.sent_texts() == [
        "(Answered by the local model llama3.2 — today's budget is spent)\n\n"
        "Hello from the local model."
    ]
    assert fake_claude.calls == []
    assert LedgerEntry.objects.get().reason == "local"


def test_a_spent_budget_is_not_answered_locally_when_the_option_is_off(
    post_update, fake_claude, fake_telegram, fake_ollama
):
    budget_spent(answer_locally=False)

    post_update(text_update("What's a good name for a cat?"))

    assert fake_telegram.sent_texts()[0].startswith("Today's budget of $0.00 is spent")
    assert fake_ollama.calls == [] and fake_claude.calls == []
    assert not LedgerEntry.objects.exists()


def test_a_model_the_local_server_lacks_is_logged_and_the_budget_answer_stands(
    post_update, fake_claude, fake_telegram, fake_ollama, settings, caplog
):
    settings.LOCAL_MODEL_NAME = "mistral"
    budget_spent(answer_locally=True)

    post_update(text_update("What's a good name for a cat?"))

    assert fake_telegram.sent_texts()[0].startswith("Today's budget of $0.00 is spent")
    assert "model 'mistral' not found" in caplog.text
    assert "good name for a cat" not in caplog.text  # the owner's words stay out of the logs
