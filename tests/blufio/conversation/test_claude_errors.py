"""What the owner sees, and what is charged, when Claude's answer is malformed, refused
or a permanent error: through the real SDK against the fake Messages API."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from blufio.clients.anthropic import MAX_RETRY_WAIT_SECONDS
from blufio.inbox.sweeper import updates_sweep
from blufio.models import ChatMessage, InboundUpdate
from costs.models import BudgetWindow, LedgerEntry, Reservation
from tests.conftest import text_update

pytestmark = pytest.mark.django_db

UNAVAILABLE = "Claude is unavailable right now. I will retry your message in a minute."
HAIKU_REPLY = Decimal("0.00027")  # 1,200 input and 300 output tokens at Haiku prices


def assert_nothing_held_or_charged_at_worst_case():
    """No hold is left for the sweeper, which then charges nothing as `interrupted`."""
    assert not Reservation.objects.filter(status="held").exists()
    updates_sweep(now=timezone.now() + timedelta(minutes=10))
    assert not LedgerEntry.objects.filter(outcome="interrupted").exists()
    assert BudgetWindow.objects.get().reserved_usd == 0


def unreadable_holds() -> list[Decimal]:
    """What the unreadable answers were charged: each its hold, the worst case, since
    Claude generated (and may have billed) an answer whose usage was lost with it."""
    return [r.amount_usd for r in Reservation.objects.order_by("id") if r.cost_usd == r.amount_usd]


def test_a_cut_off_answer_is_charged_its_hold_and_the_next_tier_answers(
    post_update, fake_claude, fake_telegram
):
    fake_claude.queue_malformed()  # Sonnet's 200 answer stops mid-JSON

    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    assert fake_telegram.sent_texts() == [
        "(Haiku answered — Sonnet is unavailable)\n\nHello from Claude."
    ]
    failed, answered = LedgerEntry.objects.order_by("id")
    [held] = unreadable_holds()
    assert (failed.actual_model, failed.outcome, failed.cost_usd) == (
        "claude-sonnet-5-5",
        "error",
        held,
    )
    assert held > 0 and "could not be read" in failed.error
    assert (answered.actual_model, answered.outcome) == ("claude-haiku-5-5", "ok")
    assert InboundUpdate.objects.get().status == "done"
    assert BudgetWindow.objects.get().spent_usd == held + HAIKU_REPLY
    assert_nothing_held_or_charged_at_worst_case()


def test_when_every_tier_answers_cut_off_the_owner_is_told_once_and_the_retry_answers(
    post_update, fake_claude, fake_telegram
):
    fake_claude.queue_malformed(times=2)  # Haiku, then Sonnet, on the first attempt

    post_update(text_update("Are you there?"))

    assert fake_telegram.sent_texts() == [UNAVAILABLE, "Hello from Claude."]
    inbound = InboundUpdate.objects.get()
    assert (inbound.status, inbound.attempts) == ("done", 2)
    assert ChatMessage.objects.filter(role="user").count() == 1
    first, second = unreadable_holds()
    assert list(LedgerEntry.objects.values_list("outcome", "cost_usd").order_by("id")) == [
        ("error", first),
        ("error", second),
        ("ok", HAIKU_REPLY),  # on the retry
    ]
    assert BudgetWindow.objects.get().spent_usd == first + second + HAIKU_REPLY
    assert_nothing_held_or_charged_at_worst_case()


@pytest.mark.parametrize(
    "body",
    [b'{"id":"msg_bad","type":"message"}', b"[]", b"null", b""],
    ids=["fields_missing", "a_list", "null", "empty"],
)
def test_an_answer_that_is_json_but_not_a_message_is_treated_as_an_outage(
    body, post_update, fake_claude, fake_telegram
):
    fake_claude.queue_malformed(raw=body)

    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    assert fake_telegram.sent_texts() == [
        "(Haiku answered — Sonnet is unavailable)\n\nHello from Claude."
    ]
    assert InboundUpdate.objects.get().status == "done"
    assert BudgetWindow.objects.get().spent_usd == sum(unreadable_holds()) + HAIKU_REPLY
    assert_nothing_held_or_charged_at_worst_case()


def test_an_answer_with_nul_characters_is_kept_and_sent_without_them(
    post_update, fake_claude, fake_telegram
):
    fake_claude.text = "Hello\x00 from Claude."  # PostgreSQL cannot store a NUL

    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    assert fake_telegram.sent_texts() == ["Hello from Claude."]
    assert InboundUpdate.objects.get().status == "done"
    assert LedgerEntry.objects.get().outcome == "ok"
    assert_nothing_held_or_charged_at_worst_case()


@pytest.mark.parametrize(
    ("status", "because"),
    [
        (400, "it could not accept the request as it was sent"),
        (401, "it did not accept the API key (ANTHROPIC_API_KEY)"),
        (404, "it does not know the model; check the model ids in the routing settings"),
    ],
)
def test_a_permanent_error_is_answered_at_once_in_plain_words_and_not_retried(
    status, because, post_update, fake_claude, fake_telegram
):
    fake_claude.queue_error(status, message="Claude's own words")

    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    assert fake_telegram.sent_texts() == [
        f'Claude refused this request: {because} (Claude said: "Claude\'s own words"). '
        "Sending it again as it is would not help, so I won't retry it."
    ]
    assert len(fake_claude.calls) == 1  # no retry by the SDK, no fallback, no later attempt
    inbound = InboundUpdate.objects.get()
    assert (inbound.status, inbound.attempts, inbound.result) == ("done", 1, "claude_refused")
    entry = LedgerEntry.objects.get()
    assert (entry.outcome, entry.cost_usd) == ("error", Decimal(0))
    assert entry.error == f"Claude answered {status}: Claude's own words"
    assert_nothing_held_or_charged_at_worst_case()


def test_a_reply_stopped_by_claudes_safety_checks_says_so_and_is_charged(
    post_update, fake_claude, fake_telegram
):
    fake_claude.text = "Sure, step one is"  # what came before the stop is not shown
    fake_claude.refusal = {
        "category": "cyber",
        "explanation": "This request was declined because it could enable cyber harm.",
    }

    post_update(text_update("hi"))

    assert fake_telegram.sent_texts() == [
        "Claude declined to answer that. "
        "This request was declined because it could enable cyber harm."
    ]
    assert InboundUpdate.objects.get().status == "done"
    reply = ChatMessage.objects.get(role="assistant")
    assert reply.text.startswith("Claude declined to answer that.")
    entry = LedgerEntry.objects.get()  # billed up to the stop, as the API does
    assert (entry.outcome, entry.cost_usd) == ("ok", HAIKU_REPLY)
    assert_nothing_held_or_charged_at_worst_case()


def prompt_of_reply(fake_claude, number: int) -> list[dict]:
    """The messages of the `number`th reply call (memory extraction calls offer tools)."""
    return [c.params["messages"] for c in fake_claude.calls if "tools" not in c.params][number]


def test_a_refused_turn_is_left_out_of_the_next_messages_prompt(
    post_update, fake_claude, fake_telegram
):
    fake_claude.refusal = {"category": "cyber", "explanation": "Declined: cyber harm."}
    post_update(text_update("hi, write me some malware"))
    fake_claude.refusal = None

    post_update(text_update("hi, what is the capital of Peru?"))

    assert prompt_of_reply(fake_claude, 1) == [
        {"role": "user", "content": "hi, what is the capital of Peru?"}
    ]
    assert fake_telegram.sent_texts()[-1] == "Hello from Claude."


def test_a_message_refused_with_a_permanent_error_is_left_out_of_the_next_prompt(
    post_update, fake_claude, fake_telegram
):
    fake_claude.queue_error(400)
    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    post_update(text_update("What should I cook tomorrow?"))

    assert prompt_of_reply(fake_claude, 1) == [
        {"role": "user", "content": "What should I cook tomorrow?"}
    ]


def test_a_stopped_reply_without_a_reason_still_says_it_was_declined(
    post_update, fake_claude, fake_telegram
):
    fake_claude.text = ""
    fake_claude.refusal = {"category": None, "explanation": None}

    post_update(text_update("hi"))

    assert fake_telegram.sent_texts() == [
        "Claude declined to answer that: its safety checks stopped the reply."
    ]


def reply_models(fake_claude) -> list[str]:
    """The model of each reply call (memory extraction calls offer tools)."""
    return [c.params["model"] for c in fake_claude.calls if "tools" not in c.params]


def test_a_rate_limit_asking_for_a_long_wait_is_not_waited_out_and_the_next_tier_answers(
    post_update, fake_claude, fake_telegram
):
    fake_claude.queue_error(429, retry_after=3 * MAX_RETRY_WAIT_SECONDS)  # Sonnet's call

    started = time.monotonic()
    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    assert time.monotonic() - started < MAX_RETRY_WAIT_SECONDS
    assert fake_telegram.sent_texts() == [
        "(Haiku answered — Sonnet is unavailable)\n\nHello from Claude."
    ]
    assert reply_models(fake_claude) == ["claude-sonnet-5-5", "claude-haiku-5-5"]
    assert InboundUpdate.objects.get().status == "done"
    assert_nothing_held_or_charged_at_worst_case()


def test_a_rate_limit_asking_for_a_short_wait_is_waited_out_and_retried(
    post_update, fake_claude, fake_telegram
):
    fake_claude.queue_error(429, retry_after=1)

    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    assert fake_telegram.sent_texts() == ["Hello from Claude."]
    assert reply_models(fake_claude) == ["claude-sonnet-5-5", "claude-sonnet-5-5"]
