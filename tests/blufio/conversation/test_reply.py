"""From a webhook POST to the reply the owner sees, through the real SDKs and the fakes."""

import time
from decimal import Decimal

import pytest

from blufio.models import ChatMessage, ChatSession, InboundUpdate
from costs.models import BudgetSettings, BudgetWindow, LedgerEntry
from tests.conftest import OWNER_CHAT_ID, text_update
from tests.helpers import spend_now

pytestmark = pytest.mark.django_db


def test_a_message_is_answered_by_claude_and_charged_exactly(
    post_update, fake_claude, fake_telegram
):
    fake_claude.usage = {
        "input_tokens": 1200,
        "output_tokens": 300,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    }
    response = post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    assert response.status_code == 200
    [call] = fake_claude.calls
    assert call.params["model"] == "claude-sonnet-5-5"
    assert call.params["messages"][-1] == {
        "role": "user",
        "content": "What should I cook tonight with leeks, eggs and rice?",
    }
    assert call.headers["authorization"] == "Bearer sk-ant-test-key"
    assert fake_telegram.calls("sendChatAction")[0]["action"] == "typing"
    [sent] = fake_telegram.calls("sendMessage")
    assert sent["text"] == "Hello from Claude."
    assert sent["entities"] == [{"type": "bold", "offset": 11, "length": 6}]
    assert int(sent["chat_id"]) == OWNER_CHAT_ID

    entry = LedgerEntry.objects.get()
    # 1,200 input tokens at $2/M plus 300 output tokens at $10/M.
    assert entry.cost_usd == Decimal("0.0054")
    assert entry.feature == "message"
    assert entry.intended_model == entry.actual_model == "claude-sonnet-5-5"
    assert (entry.input_tokens, entry.output_tokens) == (1200, 300)
    assert entry.request_id == "req_fake1"
    assert entry.outcome == "ok"
    window = BudgetWindow.objects.get()
    assert (window.spent_usd, window.reserved_usd) == (Decimal("0.0054"), Decimal(0))
    assert list(ChatMessage.objects.values_list("role", "text")) == [
        ("user", "What should I cook tonight with leeks, eggs and rice?"),
        ("assistant", "Hello from **Claude**."),
    ]
    assert InboundUpdate.objects.get().status == "done"


def test_the_next_message_carries_the_earlier_turns(post_update, fake_claude, fake_telegram):
    post_update(text_update("My name is Ada."))
    post_update(text_update("What is my name?"))

    assert fake_claude.calls[1].params["messages"] == [
        {"role": "user", "content": "My name is Ada."},
        {"role": "assistant", "content": "Hello from **Claude**."},
        {"role": "user", "content": "What is my name?"},
    ]


def test_a_duplicate_delivery_is_answered_and_charged_once(post_update, fake_claude, fake_telegram):
    update = text_update("Hello there")

    first = post_update(update)
    second = post_update(update)

    assert (first.status_code, second.status_code) == (200, 200)
    assert len(fake_claude.calls) == 1
    assert len(fake_telegram.sent_texts()) == 1
    assert LedgerEntry.objects.count() == 1
    assert InboundUpdate.objects.count() == 1


def test_a_stranger_is_ignored_without_a_call_or_a_charge(
    post_update, fake_claude, fake_telegram, caplog
):
    update = text_update("Let me in", user_id=4242)
    response = post_update(update)
    assert post_update(update).status_code == 200  # Telegram delivers it again

    assert response.status_code == 200
    assert fake_claude.calls == []
    assert fake_telegram.requests == []
    assert LedgerEntry.objects.count() == 0
    inbound = InboundUpdate.objects.get()
    assert (inbound.status, inbound.result) == ("ignored", "stranger")
    assert caplog.text.count("user 4242, who is not in TELEGRAM_ALLOWED_USER_IDS") == 1
    assert caplog.text.count("was delivered again") == 1
    assert "Let me in" not in caplog.text


def test_a_location_gets_a_polite_answer_and_no_model_call(post_update, fake_claude, fake_telegram):
    update = text_update("")
    del update["message"]["text"]
    update["message"]["location"] = {"latitude": 52.52, "longitude": 13.405}

    post_update(update)

    assert fake_claude.calls == []
    assert fake_telegram.sent_texts() == [
        "I can read text, photos, images and PDFs, but not this kind of message."
    ]
    assert InboundUpdate.objects.get().result == "non_text"


@pytest.mark.parametrize(
    "kind",
    ["edited_message", "channel_post", "callback_query"],
)
def test_other_update_types_are_ignored(kind, post_update, fake_claude, fake_telegram):
    message = text_update("changed")["message"]
    body = {"update_id": 777, kind: message}
    if kind == "callback_query":
        body[kind] = {"id": "cb1", "from": message["from"], "chat_instance": "ci", "data": "x"}

    response = post_update(body)

    assert response.status_code == 200
    assert fake_claude.calls == [] and fake_telegram.requests == []
    assert InboundUpdate.objects.get().status == "ignored"


def test_the_budget_command_answers_without_a_model_call(post_update, fake_claude, fake_telegram):
    post_update(text_update("/budget"))

    assert fake_claude.calls == []
    [text] = fake_telegram.sent_texts()
    assert text.splitlines() == [
        "Today: $0.00 of $5.00 (0%); resets at 00:00 UTC.",
        "This month: $0.00.",
        "Check-ins this month: $0.00 of $10.00, a budget of their own.",
    ]
    assert LedgerEntry.objects.count() == 0


def test_a_formatting_refusal_is_resent_as_plain_text(post_update, fake_claude, fake_telegram):
    fake_telegram.reject_entities = True

    post_update(text_update("hi"))

    attempts = fake_telegram.calls("sendMessage")
    assert len(attempts) == 2
    assert attempts[0]["entities"]
    assert "entities" not in attempts[1]
    assert attempts[1]["text"] == "Hello from Claude."


def test_a_long_reply_is_split_between_words(post_update, fake_claude, fake_telegram):
    words = [f"word{i}" for i in range(1500)]
    fake_claude.text = " ".join(words)

    post_update(text_update("Tell me a long story"))

    texts = fake_telegram.sent_texts()
    assert len(texts) == 4  # 12,389 characters do not fit in three
    assert all(len(text) <= 4096 for text in texts)
    assert " ".join(" ".join(texts).split()) == fake_claude.text


def test_a_long_reply_whose_second_part_failed_is_finished_on_retry_not_repeated(
    post_update, fake_claude, fake_telegram
):
    fake_claude.text = " ".join(f"word{i}" for i in range(1500))
    fake_telegram.fail_send_numbers = {2}  # part two answers 502 once

    post_update(text_update("Tell me a long story"))

    shown = [sent["text"] for sent in fake_telegram.sent]  # what the chat received
    assert len(shown) == 4 and len(set(shown)) == 4  # each part once, in order
    assert " ".join(" ".join(shown).split()) == fake_claude.text
    tried = fake_telegram.sent_texts()  # part two was tried twice, part one only once
    assert tried == [shown[0], shown[1], *shown[1:]]
    assert len([c for c in fake_claude.calls if not c.params.get("tools")]) == 1
    reply = ChatMessage.objects.get(role="assistant")
    ids = [sent["message_id"] for sent in fake_telegram.sent]
    assert reply.telegram_message_id == ids[0]
    assert sorted(reply.parts.values_list("telegram_message_id", flat=True)) == sorted(ids)
    assert InboundUpdate.objects.get().status == InboundUpdate.Status.DONE


def test_when_sonnet_is_down_haiku_answers_and_says_so(post_update, fake_claude, fake_telegram):
    fake_claude.queue_error(529, times=3)  # the first try and the SDK's two retries

    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    assert [c.params["model"] for c in fake_claude.calls] == ["claude-sonnet-5-5"] * 3 + [
        "claude-haiku-5-5"
    ]
    assert fake_telegram.sent_texts() == [
        "(Haiku answered — Sonnet is unavailable)\n\nHello from Claude."
    ]
    failed, answered = LedgerEntry.objects.order_by("id")
    assert (failed.actual_model, failed.outcome, failed.cost_usd) == (
        "claude-sonnet-5-5",
        "error",
        Decimal(0),
    )
    assert (answered.actual_model, answered.reason, answered.tier) == (
        "claude-haiku-5-5",
        "fallback",
        "haiku",
    )
    # 1,200 input and 300 output tokens at Haiku prices; the failed call costs nothing.
    assert BudgetWindow.objects.get().spent_usd == Decimal("0.00027")


def test_when_claude_is_down_the_owner_is_told_once_and_it_retries_then_gives_up(
    post_update, fake_claude, fake_telegram
):
    fake_claude.queue_error(529, times=100)

    post_update(text_update("Are you there?"))

    assert fake_telegram.sent_texts() == [
        "Claude is unavailable right now. I will retry your message in a minute.",
        "I still couldn't reach Claude, so I gave up on that message. Please send it again.",
    ]
    assert len(fake_claude.calls) == 3 * 6  # three attempts, each Sonnet then Haiku, 3 tries each
    inbound = InboundUpdate.objects.get()
    assert (inbound.status, inbound.attempts, inbound.result) == ("failed", 3, "claude_unavailable")
    window = BudgetWindow.objects.get()
    assert (window.spent_usd, window.reserved_usd) == (Decimal(0), Decimal(0))
    assert ChatMessage.objects.filter(role="user").count() == 1


def test_a_retry_after_an_outage_answers_once(post_update, fake_claude, fake_telegram):
    fake_claude.queue_error(529, times=6)  # one whole attempt fails

    post_update(text_update("Are you there?"))

    assert fake_telegram.sent_texts() == [
        "Claude is unavailable right now. I will retry your message in a minute.",
        "Hello from Claude.",
    ]
    assert InboundUpdate.objects.get().status == "done"
    assert ChatMessage.objects.filter(role="user").count() == 1
    assert LedgerEntry.objects.filter(outcome="ok").count() == 1


def test_a_paid_reply_telegram_did_not_take_is_sent_on_retry_without_paying_again(
    post_update, fake_claude, fake_telegram
):
    fake_telegram.fail_sends = 1  # Telegram answers 502 once, after Claude has answered

    post_update(text_update("I'll send the invoice on Friday"))

    # Refused with 502, then sent again by the retry.
    assert fake_telegram.sent_texts() == ["Hello from Claude.", "Hello from Claude."]
    assert len([c for c in fake_claude.calls if not c.params.get("tools")]) == 1
    assert LedgerEntry.objects.filter(feature="message").count() == 1
    inbound = InboundUpdate.objects.get()
    assert (inbound.status, inbound.attempts) == ("done", 2)
    reply = ChatMessage.objects.get(role="assistant")
    assert reply.answers.text == "I'll send the invoice on Friday"
    assert reply.telegram_message_id is not None
    # The memory step ran once the reply was out.
    assert len([c for c in fake_claude.calls if c.params.get("tools")]) == 1


def test_when_telegram_stays_down_the_update_fails_after_bounded_retries(
    post_update, fake_claude, fake_telegram
):
    fake_telegram.fail_sends = 100

    post_update(text_update("What is the capital of Peru?"))

    inbound = InboundUpdate.objects.get()
    assert (inbound.status, inbound.attempts, inbound.result) == (
        "failed",
        3,
        "telegram_unavailable",
    )
    assert len(fake_claude.calls) == 1  # paid once, however often the send was tried
    assert LedgerEntry.objects.count() == 1


def test_without_an_api_key_the_owner_is_told_what_is_missing(
    post_update, fake_claude, fake_telegram, settings, caplog
):
    settings.ANTHROPIC_API_KEY = ""

    post_update(text_update("hello"))

    assert fake_claude.calls == []
    assert "ANTHROPIC_API_KEY" in fake_telegram.sent_texts()[0]
    assert "ANTHROPIC_API_KEY is not set" in caplog.text


def test_without_a_bot_token_the_update_fails_with_a_clear_reason(
    post_update, fake_claude, fake_telegram, settings, caplog
):
    settings.TELEGRAM_BOT_TOKEN = ""

    post_update(text_update("/help"))

    inbound = InboundUpdate.objects.get()
    assert (inbound.status, inbound.last_error) == ("failed", "TELEGRAM_BOT_TOKEN is not set")
    assert "TELEGRAM_BOT_TOKEN is not set" in caplog.text
    assert fake_telegram.requests == []


def test_the_stats_command_reports_the_week_without_a_model_call(
    post_update, fake_claude, fake_telegram
):
    post_update(text_update("hi"))  # Haiku
    post_update(text_update("prove that there are infinitely many primes"))  # Opus
    fake_claude.reset()
    fake_telegram.reset()

    post_update(text_update("/stats"))

    assert fake_claude.calls == []
    [text] = fake_telegram.sent_texts()
    # Too short to cache: all of the saving is routing's. Each call (the fake's 1,200 input
    # and 300 output tokens) would cost $0.0108 at Opus prices.
    calls = LedgerEntry.objects.all()
    saved = len(calls) * Decimal("0.0108") - sum(call.cost_usd for call in calls)
    assert text.splitlines() == [
        "Last 7 days: 2 messages (Haiku 1, Sonnet 0, Opus 1).",
        "Downgraded for budget: 0 (0%); fallbacks: 0.",
        "Spend: $0.01.",
        f"Saved: ${saved:.4f} by routing, $0.0000 by prompt caching (0% of input read from the "
        "cache), $0.0000 by staying on warm caches, $0.0000 by local answers.",
    ]


def test_telegram_flood_control_is_waited_out(post_update, fake_claude, fake_telegram):
    fake_telegram.flood_waits = [1]

    started = time.monotonic()
    post_update(text_update("hi there"))

    assert time.monotonic() - started >= 1
    assert len(fake_telegram.calls("sendMessage")) == 2
    assert fake_telegram.sent_texts()[-1] == "Hello from Claude."
    assert InboundUpdate.objects.get().status == "done"


@pytest.mark.parametrize(
    "refused, result, reason",
    [
        ("blocked_chats", "chat_unreachable", "Forbidden: bot was blocked by the user"),
        ("unknown_chats", "chat_unreachable", "Chat not found"),
    ],
)
def test_a_reply_telegram_refuses_for_good_ends_the_update_with_the_reason_and_no_retry(
    refused, result, reason, post_update, fake_claude, fake_telegram
):
    getattr(fake_telegram, refused).add(OWNER_CHAT_ID)

    post_update(text_update("What is the capital of Peru?"))

    inbound = InboundUpdate.objects.get()
    assert (inbound.status, inbound.result, inbound.attempts) == ("failed", result, 1)
    assert reason in inbound.last_error and inbound.next_attempt_at is None
    assert len(fake_claude.calls) == 1 and LedgerEntry.objects.count() == 1
    session = ChatSession.objects.get()
    assert (session.unreachable_since is not None) == (result == "chat_unreachable")


def test_an_answer_stopped_at_the_context_window_is_kept_and_paid_once(
    post_update, fake_claude, fake_telegram
):
    fake_claude.text = "As far as it went."
    fake_claude.stop_reason = "model_context_window_exceeded"
    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    [sent] = fake_telegram.calls("sendMessage")
    assert sent["text"] == "As far as it went."
    assert len(fake_claude.calls) == 1
    assert LedgerEntry.objects.get().outcome == LedgerEntry.Outcome.OK
    reply = ChatMessage.objects.get(role="assistant")
    assert reply.stop_reason == "model_context_window_exceeded"
    assert InboundUpdate.objects.get().status == InboundUpdate.Status.DONE


def test_an_outage_near_the_cap_is_retried_not_told_as_a_spent_budget(
    post_update, fake_claude, fake_telegram
):
    """Haiku is down and the Sonnet fallback's hold would pass the cap: Claude is what is
    missing, and Haiku, which still fits, answers on the retry."""
    BudgetSettings.objects.update_or_create(pk=1, defaults={"daily_budget_usd": Decimal("0.15")})
    spend_now("0.1446")
    fake_claude.queue_error(529, times=3)  # one Haiku attempt and the SDK's two retries

    post_update(text_update("hi there"))

    texts = fake_telegram.sent_texts()
    assert texts[0] == "Claude is unavailable right now. I will retry your message in a minute."
    assert texts[1].endswith("Hello from Claude.")
    assert not any("spent" in text for text in texts)
    assert [c.params["model"] for c in fake_claude.calls] == ["claude-haiku-5-5"] * 4
    assert InboundUpdate.objects.get().status == InboundUpdate.Status.DONE
