"""The buttons under a reply, from the webhook POST of a press to what the owner sees:
Continue under a reply cut at max_tokens, and presses that must not spend."""

import pytest

from blufio.conversation import buttons
from blufio.conversation.context import CONTINUE_PROMPT
from blufio.models import ChatMessage, InboundUpdate
from costs.models import LedgerEntry
from tests.conftest import button_update, text_update

pytestmark = pytest.mark.django_db

CUT = "The first half of a long answer, cut"


def cut_reply(post_update, fake_claude, fake_telegram) -> tuple[ChatMessage, int]:
    """A reply Claude stopped at the tier's max_tokens, and the message id of its buttons."""
    fake_claude.text, fake_claude.stop_reason = CUT, "max_tokens"
    post_update(text_update("Explain the history of the printing press in depth"))
    fake_claude.text, fake_claude.stop_reason = " and its second half.", "end_turn"
    reply = ChatMessage.objects.get(role="assistant")
    return reply, fake_telegram.sent[-1]["message_id"]


def keyboard(sent: dict) -> list[list[str]]:
    markup = sent.get("reply_markup") or {"inline_keyboard": []}
    return [[button["text"] for button in row] for row in markup["inline_keyboard"]]


def test_a_reply_that_ended_by_itself_has_no_continue_button(
    post_update, fake_claude, fake_telegram
):
    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    [sent] = fake_telegram.calls("sendMessage")
    assert keyboard(sent) == [["Ask Opus"]]


def test_a_reply_cut_at_max_tokens_ends_with_a_continue_button(
    post_update, fake_claude, fake_telegram
):
    reply, _ = cut_reply(post_update, fake_claude, fake_telegram)

    [sent] = fake_telegram.calls("sendMessage")
    assert sent["text"] == CUT
    assert keyboard(sent) == [["Continue ▸", "Ask Opus"]]
    [[button, _]] = sent["reply_markup"]["inline_keyboard"]
    assert buttons.button_read(button["callback_data"]) == buttons.Press("continue", reply.pk)
    assert (reply.tier, reply.stop_reason) == ("sonnet", "max_tokens")


def test_continue_asks_the_same_tier_to_go_on_and_sends_the_rest(
    post_update, fake_claude, fake_telegram
):
    reply, message_id = cut_reply(post_update, fake_claude, fake_telegram)
    [[button, _]] = fake_telegram.calls("sendMessage")[-1]["reply_markup"]["inline_keyboard"]

    post_update(button_update(button["callback_data"], message_id=message_id))

    first, going_on = fake_claude.calls
    assert going_on.params["model"] == first.params["model"] == "claude-sonnet-5-5"
    assert going_on.params["messages"] == [
        {"role": "user", "content": "Explain the history of the printing press in depth"},
        {"role": "assistant", "content": CUT},
        {"role": "user", "content": CONTINUE_PROMPT},
    ]
    [answered] = fake_telegram.calls("answerCallbackQuery")
    assert answered["text"] == "Going on from where it stopped…"
    assert fake_telegram.sent_texts()[-1] == "and its second half."
    assert keyboard(fake_telegram.calls("sendMessage")[-1]) == []
    [refreshed] = fake_telegram.calls("editMessageReplyMarkup")
    assert int(refreshed["message_id"]) == message_id
    assert keyboard(refreshed) == [["Ask Opus"]]  # Continue is gone; Ask Opus stays
    continuation = ChatMessage.objects.get(continues=reply)
    assert continuation.text == " and its second half."
    entries = LedgerEntry.objects.order_by("created_at")
    assert [(e.tier, e.reason, e.outcome) for e in entries] == [
        ("sonnet", "", "ok"),
        ("sonnet", "continue", "ok"),
    ]
    assert InboundUpdate.objects.order_by("update_id").last().result == "continued"


def test_a_second_tap_on_continue_is_not_paid_for_again(post_update, fake_claude, fake_telegram):
    _, message_id = cut_reply(post_update, fake_claude, fake_telegram)
    [[button, _]] = fake_telegram.calls("sendMessage")[-1]["reply_markup"]["inline_keyboard"]

    post_update(button_update(button["callback_data"], message_id=message_id))
    post_update(button_update(button["callback_data"], message_id=message_id))

    assert len(fake_claude.calls) == 2
    assert [a["text"] for a in fake_telegram.calls("answerCallbackQuery")] == [
        "Going on from where it stopped…",
        "That reply was continued already, below it.",
    ]
    assert fake_telegram.sent_texts().count("and its second half.") == 1
    assert LedgerEntry.objects.filter(reason="continue").count() == 1


def test_a_continuation_cut_again_can_be_continued_with_all_that_was_written(
    post_update, fake_claude, fake_telegram
):
    reply, message_id = cut_reply(post_update, fake_claude, fake_telegram)
    fake_claude.text, fake_claude.stop_reason = " and a middle part,", "max_tokens"
    post_update(button_update(buttons.button_data("continue", reply), message_id=message_id))
    middle = ChatMessage.objects.get(continues=reply)
    assert keyboard(fake_telegram.calls("sendMessage")[-1]) == [["Continue ▸"]]
    fake_claude.stop_reason = "end_turn"

    post_update(button_update(buttons.button_data("continue", middle), message_id=message_id + 1))

    assert fake_claude.calls[-1].params["messages"][-2] == {
        "role": "assistant",
        "content": CUT + " and a middle part,",
    }
    assert ChatMessage.objects.filter(continues=middle).exists()


@pytest.mark.parametrize(
    "forge",
    [
        lambda reply: f"continue:{reply.pk}:AAAAAAAAAAAAAAAA",  # a tag we did not make
        lambda reply: f"continue:{reply.pk + 1}:" + buttons.button_data("continue", reply)[-16:],
        lambda reply: "continue:",
    ],
)
def test_forged_button_data_gets_a_short_answer_and_no_call(
    forge, post_update, fake_claude, fake_telegram
):
    reply, message_id = cut_reply(post_update, fake_claude, fake_telegram)

    post_update(button_update(forge(reply), message_id=message_id))

    assert len(fake_claude.calls) == 1
    [answered] = fake_telegram.calls("answerCallbackQuery")
    assert answered["text"] == "That button no longer does anything."
    assert not ChatMessage.objects.filter(continues=reply).exists()


def test_a_button_of_a_reply_in_another_chat_does_nothing(
    post_update, fake_claude, fake_telegram, settings
):
    reply, _ = cut_reply(post_update, fake_claude, fake_telegram)
    settings.TELEGRAM_ALLOWED_USER_IDS = frozenset({1001, 2002})

    post_update(button_update(buttons.button_data("continue", reply), message_id=1, user_id=2002))

    assert len(fake_claude.calls) == 1
    [answered] = fake_telegram.calls("answerCallbackQuery")
    assert answered["text"] == "That button no longer does anything."


def test_a_continue_when_claude_is_down_is_retried_and_paid_once(
    post_update, fake_claude, fake_telegram
):
    reply, message_id = cut_reply(post_update, fake_claude, fake_telegram)
    fake_claude.queue_error(529, times=6)  # one whole attempt: Sonnet, then Haiku, 3 tries each

    post_update(button_update(buttons.button_data("continue", reply), message_id=message_id))

    assert fake_telegram.sent_texts()[1:] == [
        "Claude is unavailable right now. I will retry your message in a minute.",
        "and its second half.",
    ]
    press = InboundUpdate.objects.order_by("update_id").last()
    assert (press.status, press.attempts, press.result) == ("done", 2, "continued")
    assert LedgerEntry.objects.filter(reason="continue", outcome="ok").count() == 1
    assert ChatMessage.objects.filter(continues=reply).count() == 1
