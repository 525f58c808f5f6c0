"""The owner's verdict on a routing decision, from a webhook POST through the worker:
reactions, "Ask Opus", a /prefix or a re-ask right after a reply."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest

from blufio.conversation import buttons
from blufio.models import ChatMessage, InboundUpdate, RoutingFeedback
from costs.models import LedgerEntry, Reservation
from costs.pricing import image_token_bound, pdf_token_bound
from tests.conftest import OWNER_CHAT_ID, OWNER_ID, STRANGER_ID, text_update
from tests.fakes.telegram import BOT_USER
from tests.helpers import spend_now

pytestmark = pytest.mark.django_db

QUESTION = "What should I cook tonight with leeks, eggs and rice?"  # the router sends it to Sonnet
_ids = itertools.count(600_000)


def reaction_update(
    message_id: int,
    new: list[str],
    *,
    old: list[str] = (),
    user_id: int = OWNER_ID,
    chat_id: int = OWNER_CHAT_ID,
) -> dict:
    """A `message_reaction` update as the Bot API sends it."""
    return {
        "update_id": next(_ids),
        "message_reaction": {
            "chat": {"id": chat_id, "type": "private", "first_name": "Owner"},
            "message_id": message_id,
            "user": {"id": user_id, "is_bot": False, "first_name": "Owner"},
            "date": 1_790_000_100,
            "old_reaction": [{"type": "emoji", "emoji": e} for e in old],
            "new_reaction": [{"type": "emoji", "emoji": e} for e in new],
        },
    }


def ask_opus_tap(reply: ChatMessage, *, data: str | None = None, message_id: int | None = None):
    """A tap on the "Ask Opus" button under `reply`."""
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": f"cbq{next(_ids)}",
            "from": {"id": OWNER_ID, "is_bot": False, "first_name": "Owner"},
            "chat_instance": "ci",
            "data": data or buttons.button_data(buttons.ASK_OPUS, reply),
            "message": {
                "message_id": message_id or reply.telegram_message_id,
                "date": 1_790_000_000,
                "chat": {"id": OWNER_CHAT_ID, "type": "private"},
                "from": BOT_USER,
                "text": reply.text,
            },
        },
    }


@pytest.fixture
def answered(post_update, fake_claude, fake_telegram):
    """Send the owner's message and return the reply it got."""

    def send(text: str = QUESTION) -> ChatMessage:
        post_update(text_update(text))
        return ChatMessage.objects.filter(role="assistant").latest("id")

    return send


def test_a_reply_not_from_opus_carries_an_ask_opus_button(answered, fake_telegram):
    reply = answered()

    [sent] = fake_telegram.calls("sendMessage")
    assert sent["reply_markup"]["inline_keyboard"] == [
        [{"text": "Ask Opus", "callback_data": buttons.button_data(buttons.ASK_OPUS, reply)}]
    ]
    assert reply.ledger_entry.tier == "sonnet"


def test_an_opus_reply_has_no_ask_opus_button(post_update, fake_claude, fake_telegram):
    post_update(text_update("/opus prove there are infinitely many primes"))

    [sent] = fake_telegram.calls("sendMessage")
    assert "reply_markup" not in sent


def test_a_thumbs_down_records_a_verdict_on_the_replys_ledger_row(
    answered, post_update, fake_telegram
):
    reply = answered()

    response = post_update(reaction_update(reply.telegram_message_id, ["👎"]))

    assert response.status_code == 200
    feedback = RoutingFeedback.objects.get()
    assert (feedback.signal, feedback.ledger_entry, feedback.message) == (
        "thumbs_down",
        reply.ledger_entry,
        reply.answers,
    )
    assert InboundUpdate.objects.latest("update_id").result == "reaction"
    assert len(fake_telegram.sent_texts()) == 1  # a reaction is not answered


def test_a_thumbs_down_on_a_later_part_of_a_long_reply_judges_that_reply(
    answered, post_update, fake_claude, fake_telegram
):
    fake_claude.text = "\n\n".join(f"Step {n}: stir the pot again. " * 20 for n in range(12))
    reply = answered()
    first, second = (m["message_id"] for m in fake_telegram.sent)  # split in two
    assert reply.telegram_message_id == first

    post_update(reaction_update(second, ["👎"]))

    feedback = RoutingFeedback.objects.get()
    assert (feedback.signal, feedback.ledger_entry, feedback.message) == (
        "thumbs_down",
        reply.ledger_entry,
        reply.answers,
    )
    post_update(reaction_update(first, ["👍"]))  # the same reply, from its first part
    assert list(RoutingFeedback.objects.values_list("signal", flat=True)) == ["thumbs_up"]


def test_switching_to_a_thumbs_up_replaces_the_thumbs_down(answered, post_update):
    reply = answered()

    post_update(reaction_update(reply.telegram_message_id, ["👎"]))
    post_update(reaction_update(reply.telegram_message_id, ["👍"], old=["👎"]))

    assert list(RoutingFeedback.objects.values_list("signal", flat=True)) == ["thumbs_up"]


@pytest.mark.parametrize(
    ("update", "result", "logged"),
    [
        (
            lambda reply: reaction_update(reply.telegram_message_id, []),
            "reaction_removed",
            "removed",
        ),
        (
            lambda reply: reaction_update(reply.telegram_message_id, ["🔥"]),
            "reaction_other",
            "not 👍",
        ),
        (lambda reply: reaction_update(424242, ["👎"]), "reaction_unknown", "not a reply of ours"),
    ],
    ids=["removed", "other emoji", "unknown message"],
)
def test_reactions_that_are_no_verdict_are_ignored_and_logged(
    update, result, logged, answered, post_update, caplog
):
    reply = answered()

    response = post_update(update(reply))

    assert response.status_code == 200
    assert not RoutingFeedback.objects.exists()
    inbound = InboundUpdate.objects.latest("update_id")
    assert (inbound.status, inbound.result) == ("done", result)
    assert logged in caplog.text
    assert QUESTION not in caplog.text and reply.text not in caplog.text


def test_a_reaction_from_someone_not_allowed_is_ignored_and_logged(answered, post_update, caplog):
    reply = answered()

    response = post_update(reaction_update(reply.telegram_message_id, ["👎"], user_id=STRANGER_ID))

    assert response.status_code == 200
    assert not RoutingFeedback.objects.exists()
    inbound = InboundUpdate.objects.latest("update_id")
    assert (inbound.status, inbound.result) == ("ignored", "stranger")
    assert f"user {STRANGER_ID}, who is not in TELEGRAM_ALLOWED_USER_IDS" in caplog.text


@pytest.mark.parametrize(
    "change",
    [
        {"user": None},
        {"message_id": 2**70},
        {"new_reaction": [{"type": "custom_emoji", "custom_emoji_id": "123"}]},
        {"new_reaction": [{"type": "paid"}]},
        {"chat": {"id": 777, "type": "group", "title": "friends"}},
    ],
    ids=["anonymous", "id too large", "custom emoji", "paid star", "group not allowed"],
)
def test_odd_reaction_updates_never_fail(change, answered, post_update):
    reply = answered()
    update = reaction_update(reply.telegram_message_id, ["👎"])
    update["message_reaction"].update(change)
    update["message_reaction"] = {k: v for k, v in update["message_reaction"].items() if v}

    response = post_update(update)

    assert response.status_code in (200, 400)  # 400 only for what is not an update at all
    assert not RoutingFeedback.objects.exists()
    assert not InboundUpdate.objects.filter(status="failed").exists()


def test_ask_opus_asks_the_same_message_on_opus_and_records_the_verdict(
    answered, post_update, fake_claude, fake_telegram
):
    reply = answered()
    first = reply.ledger_entry
    fake_claude.text = "Opus thinks: risotto."
    spend_now("4.5")  # 90%: a routed message would be sent to Haiku

    post_update(ask_opus_tap(reply))

    second = fake_claude.calls[-1].params
    assert second["model"] == "claude-opus-5-5"
    assert second["messages"] == fake_claude.calls[0].params["messages"]
    retry = LedgerEntry.objects.get(reason="retry_up")
    assert (retry.tier, retry.intended_tier, retry.retry_of) == ("opus", "opus", first)
    feedback = RoutingFeedback.objects.get()
    assert (feedback.signal, feedback.asked_tier, feedback.ledger_entry) == (
        "ask_opus",
        "opus",
        first,
    )
    assert feedback.under_routed(first.tier)
    assert fake_telegram.calls("answerCallbackQuery")[-1]["text"] == "Asking Opus…"
    sent = fake_telegram.calls("sendMessage")[-1]
    assert sent["text"] == "Opus thinks: risotto."
    assert sent["reply_parameters"]["message_id"] == reply.telegram_message_id
    assert "reply_markup" not in sent  # Opus answered: nothing higher to ask
    [taken_away] = fake_telegram.calls("editMessageReplyMarkup")
    assert int(taken_away["message_id"]) == reply.telegram_message_id
    assert "inline_keyboard" not in taken_away.get("reply_markup", {})
    assert InboundUpdate.objects.latest("update_id").result == "retry_up"


def test_after_ask_opus_the_conversation_goes_on_from_opus_answer(
    answered, post_update, fake_claude
):
    reply = answered()
    fake_claude.text = "Opus thinks: risotto."
    post_update(ask_opus_tap(reply))

    post_update(text_update("And for dessert?"))

    assert fake_claude.calls[-1].params["messages"] == [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": "Opus thinks: risotto."},
        {"role": "user", "content": "And for dessert?"},
    ]


def test_a_second_tap_asks_opus_once(answered, post_update, fake_claude, fake_telegram):
    reply = answered()

    post_update(ask_opus_tap(reply))
    post_update(ask_opus_tap(reply))

    assert len(fake_claude.calls) == 2
    assert LedgerEntry.objects.filter(reason="retry_up").count() == 1
    assert RoutingFeedback.objects.count() == 1
    assert fake_telegram.calls("answerCallbackQuery")[-1]["text"] == (
        "Opus has answered this already."
    )


def test_ask_opus_still_stops_at_the_cap(answered, post_update, fake_claude, fake_telegram):
    reply = answered()
    spend_now("4.999")

    post_update(ask_opus_tap(reply))

    assert len(fake_claude.calls) == 1
    assert not LedgerEntry.objects.filter(reason="retry_up").exists()
    assert fake_telegram.sent_texts()[-1].startswith("Today's budget of $5.00 is spent")
    assert InboundUpdate.objects.latest("update_id").result == "budget"


@pytest.mark.parametrize(
    "data",
    [
        lambda reply: f"opus:{reply.pk}",  # no tag
        lambda reply: f"opus:{reply.pk}:AAAAAAAAAAAAAAAA",  # a forged tag
        lambda reply: buttons.button_data(buttons.CONTINUE, reply).replace("continue", "opus"),
        lambda reply: "opus:" + "9" * 40,
        lambda reply: "opus:１２:x",
    ],
    ids=["untagged", "forged tag", "another action's tag", "huge id", "odd digits"],
)
def test_a_forged_ask_opus_button_does_nothing(
    data, answered, post_update, fake_claude, fake_telegram
):
    reply = answered()

    post_update(ask_opus_tap(reply, data=data(reply)))

    assert len(fake_claude.calls) == 1
    assert not RoutingFeedback.objects.exists()
    assert fake_telegram.calls("answerCallbackQuery")[-1]["text"] == (
        "That button no longer does anything."
    )


def test_a_reply_deleted_since_is_a_stale_button(answered, post_update, fake_claude, fake_telegram):
    reply = answered()
    tap = ask_opus_tap(reply)
    ChatMessage.objects.filter(pk=reply.pk).delete()

    post_update(tap)

    assert len(fake_claude.calls) == 1
    assert InboundUpdate.objects.latest("update_id").result == "button_unknown"


def test_a_prefix_right_after_an_auto_routed_reply_judges_it(answered, fake_claude):
    reply = answered()

    answered("/opus " + QUESTION + " Give me three options.")

    feedback = RoutingFeedback.objects.get()
    assert (feedback.signal, feedback.asked_tier, feedback.ledger_entry) == (
        "prefix",
        "opus",
        reply.ledger_entry,
    )


def test_asking_again_in_nearly_the_same_words_is_a_reask(answered):
    reply = answered()

    answered("what should i cook  tonight with leeks eggs and rice??")

    feedback = RoutingFeedback.objects.get()
    assert (feedback.signal, feedback.ledger_entry) == ("reask", reply.ledger_entry)


def test_a_new_question_or_a_late_one_judges_nothing(answered):
    answered()
    answered("Thanks! Now, how far is the moon?")
    reply = answered("Is it farther than Mars?")
    ChatMessage.objects.filter(pk=reply.pk).update(created_at=reply.created_at - timedelta(hours=1))

    answered("Is it farther than Mars?")

    assert not RoutingFeedback.objects.exists()


def test_what_follows_a_prefixed_reply_judges_no_routing(answered):
    answered("/haiku " + QUESTION)

    answered("/opus " + QUESTION)

    assert not RoutingFeedback.objects.exists()


def test_a_retried_message_records_its_verdict_once(post_update, answered, fake_telegram):
    answered()
    update = text_update("/opus " + QUESTION)
    fake_telegram.fail_sends = 1  # the reply is paid for and kept, then Telegram fails

    post_update(update)
    from blufio.inbox.worker import update_answer_once

    InboundUpdate.objects.filter(update_id=update["update_id"]).update(status="received")
    update_answer_once(update["update_id"])

    assert RoutingFeedback.objects.count() == 1
    assert LedgerEntry.objects.filter(tier="opus").count() == 1
    assert Decimal(0) < LedgerEntry.objects.get(tier="opus").cost_usd


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_records_a_thumbs_down_and_an_ask_opus_tap(
    start_worker, fake_claude, fake_telegram
):
    from tests.helpers import post, wait_until_settled

    start_worker()
    post(text_update(QUESTION))
    wait_until_settled(1)
    reply = ChatMessage.objects.get(role="assistant")

    [[ask_opus]] = fake_telegram.calls("sendMessage")[0]["reply_markup"]["inline_keyboard"]

    assert post(reaction_update(reply.telegram_message_id, ["👎"])) == 200
    assert post(ask_opus_tap(reply, data=ask_opus["callback_data"])) == 200  # the worker's tag
    wait_until_settled(3)

    assert sorted(RoutingFeedback.objects.values_list("signal", flat=True)) == [
        "ask_opus",
        "thumbs_down",
    ]
    retry = LedgerEntry.objects.get(reason="retry_up")
    assert (retry.actual_model, retry.retry_of) == ("claude-opus-5-5", reply.ledger_entry)
    assert fake_telegram.sent_texts()[-1] == "Hello from Claude."
    assert fake_telegram.calls("sendMessage")[-1]["reply_parameters"]["message_id"] == (
        reply.telegram_message_id
    )


def test_a_thumbs_down_on_a_continuation_judges_the_first_replys_routing(
    post_update, fake_claude, fake_telegram
):
    fake_claude.text, fake_claude.stop_reason = "The first half, cut", "max_tokens"
    post_update(text_update(QUESTION))
    first = ChatMessage.objects.get(role="assistant")
    fake_claude.text, fake_claude.stop_reason = " and the rest.", "end_turn"
    post_update(ask_opus_tap(first, data=buttons.button_data(buttons.CONTINUE, first)))
    continuation = ChatMessage.objects.get(continues=first)

    post_update(reaction_update(continuation.telegram_message_id, ["👎"]))

    feedback = RoutingFeedback.objects.get()
    assert (feedback.ledger_entry, feedback.message) == (first.ledger_entry, first.answers)


@pytest.mark.parametrize("kind", ["photo", "pdf"])
def test_ask_opus_under_a_photo_or_pdf_sends_the_file_again_downloaded_by_its_id(
    kind, post_update, fake_claude, fake_telegram
):
    from tests.blufio.conversation.test_media import (
        base64_block,
        document_update,
        image_bytes,
        pdf_bytes,
        photo_update,
        sent_to_claude,
        worst_case_held,
    )

    if kind == "photo":
        content, block = image_bytes(640, 480), ("image", "image/jpeg")
        update = photo_update(fake_telegram, content, width=640, height=480, caption="Total?")
        label, media_tokens = "[Photo]\nTotal?", image_token_bound(640, 480)
    else:
        content, block = pdf_bytes(3), ("document", "application/pdf")
        update = document_update(
            fake_telegram, content, mime_type="application/pdf", file_name="nda.pdf", caption="Ok?"
        )
        label, media_tokens = "[PDF nda.pdf, 3 pages]\nOk?", pdf_token_bound(3)
    post_update(update)
    reply = ChatMessage.objects.get(role="assistant")
    [[ask_opus]] = fake_telegram.sent[-1]["reply_markup"]["inline_keyboard"]
    assert ask_opus["text"] == "Ask Opus"
    path = fake_telegram.downloads()[0]

    post_update(ask_opus_tap(reply))

    first, again = fake_claude.calls
    assert again.params["model"] == "claude-opus-5-5"
    assert sent_to_claude(again) == [
        base64_block(*block, content),
        {"type": "text", "text": label},
    ]
    assert sent_to_claude(again) == sent_to_claude(first)
    assert fake_telegram.downloads() == [path, path]  # fetched again by its file id
    asked_file = reply.answers.attachment_file_id
    assert fake_telegram.calls("getFile")[-1] == {"file_id": asked_file}
    retry = LedgerEntry.objects.get(reason="retry_up")
    assert (retry.attachment_kind, retry.retry_of) == (
        "pdf" if kind == "pdf" else "image",
        reply.ledger_entry,
    )
    # The hold counted the file again, on top of the text.
    held = Reservation.objects.latest("created_at").amount_usd
    assert held == worst_case_held(again, media_tokens=media_tokens)
    assert RoutingFeedback.objects.get().signal == "ask_opus"
    assert fake_telegram.sent_texts()[-1] == "Hello from Claude."


def test_ask_opus_when_telegram_lost_the_file_says_so_and_pays_nothing(
    post_update, fake_claude, fake_telegram
):
    from tests.blufio.conversation.test_media import image_bytes, photo_update

    post_update(photo_update(fake_telegram, image_bytes(640, 480), width=640, height=480))
    reply = ChatMessage.objects.get(role="assistant")
    fake_telegram.files.clear()  # getFile now answers "invalid file_id"

    post_update(ask_opus_tap(reply))

    assert len(fake_claude.calls) == 1
    assert LedgerEntry.objects.count() == 1
    assert fake_telegram.sent_texts()[-1] == (
        "Telegram wouldn't give me that file. Could you send it again?"
    )
    assert InboundUpdate.objects.latest("update_id").result == "attachment_unavailable"
