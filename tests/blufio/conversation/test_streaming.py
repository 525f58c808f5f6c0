"""Streamed replies, from a webhook POST to what the owner sees: drafts while Claude
writes, then the final formatted message; a stream cut part way is never sent as if it
were whole and is charged the most Claude can bill for it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from blufio.conversation import drafts
from blufio.inbox.sweeper import updates_sweep
from blufio.inbox.worker import update_process
from blufio.models import AllowedGroup, ChatMessage, InboundUpdate
from costs.models import BudgetWindow, LedgerEntry, Reservation
from costs.pricing import TokenUsage
from tests.conftest import button_update, text_update
from tests.helpers import call_cost, post, spend_now, wait_for, wait_until_settled

pytestmark = pytest.mark.django_db

ANSWER = "Here is **the plan**: first, soak the beans overnight; then simmer them slowly."
PLAIN = "Here is the plan: first, soak the beans overnight; then simmer them slowly."
HARD = "prove that there are infinitely many primes of the form 4k+3"


@pytest.fixture
def every_delta_drafted(monkeypatch):
    """Drafts without the one-a-second pace, so each delta shows."""
    monkeypatch.setattr(drafts, "DRAFT_INTERVAL_SECONDS", 0)


def test_a_reply_is_streamed_as_drafts_then_sent_formatted(
    every_delta_drafted, post_update, fake_claude, fake_telegram
):
    fake_claude.text, fake_claude.stream_chunk_chars = ANSWER, 10

    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    [call] = fake_claude.calls
    assert call.params["stream"] is True
    shown = fake_telegram.drafts()
    assert shown[0] == ""  # Telegram's "Thinking…" placeholder as the stream opens
    assert len(shown) == 1 + 8  # then one per delta of ten characters
    assert all(PLAIN.startswith(draft) for draft in shown[2:])  # the bold markers never show
    assert shown[-1] == PLAIN
    assert len({d["draft_id"] for d in fake_telegram.calls("sendMessageDraft")}) == 1
    [sent] = fake_telegram.calls("sendMessage")
    assert sent["text"] == PLAIN
    assert sent["entities"] == [{"type": "bold", "offset": 8, "length": 8}]
    # Usage from the stream's message_delta: 1,200 in and 300 out at Sonnet's prices.
    entry = LedgerEntry.objects.get()
    assert (entry.input_tokens, entry.output_tokens, entry.cost_usd) == (
        1200,
        300,
        Decimal("0.0054"),
    )
    assert entry.request_id == "req_fake1"
    assert ChatMessage.objects.get(role="assistant").text == ANSWER


def test_drafts_come_at_most_once_a_second(post_update, fake_claude, fake_telegram):
    fake_claude.text, fake_claude.stream_chunk_chars = ANSWER, 4
    fake_claude.stream_delta_delay = 0.05  # 20 deltas over about a second

    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    at = [r.at for r in fake_telegram.requests if r.path.endswith("/sendMessageDraft")]
    assert 1 <= len(at) <= 2
    assert all(later - earlier >= 1.0 for earlier, later in zip(at, at[1:], strict=False))
    assert fake_telegram.sent_texts() == [PLAIN]


def test_while_opus_thinks_its_first_draft_is_already_up(post_update, fake_claude, fake_telegram):
    # Opus 5.5 always thinks before it writes, and its thinking block comes empty (the
    # API's default display, "omitted", which Blufio keeps): after its first event, two
    # more seconds in which Claude sends no word of the answer.
    fake_claude.stream_first_delay = 0.5
    fake_claude.thinking_text = "x" * 160  # ten deltas' worth of thinking, not sent
    fake_claude.stream_chunk_chars, fake_claude.stream_delta_delay = 16, 0.2

    post_update(text_update(HARD))

    [call] = fake_claude.calls
    assert call.params["model"] == "claude-opus-5-5"
    assert "display" not in (call.params.get("thinking") or {})
    at = [r.at - call.at for r in fake_telegram.requests if r.path.endswith("/sendMessageDraft")]
    first, second = fake_telegram.drafts()[:2]
    assert (first, second[:10]) == ("", "Hello from")
    assert at[0] < 0.5  # Telegram's "Thinking…" as the stream opened, before Claude's first event
    assert at[1] >= 0.5 + 11 * 0.2  # the answer's first words, when Claude wrote them
    assert fake_telegram.sent_texts() == ["Hello from Claude."]


def test_the_budget_notice_is_on_the_first_draft(
    every_delta_drafted, post_update, fake_claude, fake_telegram
):
    spend_now("4.25")  # 85% of the $5 budget: Opus becomes Sonnet

    post_update(text_update(HARD))

    first, second = fake_telegram.drafts()[:2]
    assert first == "(Using Sonnet — budget at 85%)"  # before Sonnet writes
    assert second.startswith("(Using Sonnet — budget at 85%)\n\nHello")
    reply = fake_telegram.sent_texts()[0]
    assert reply == "(Using Sonnet — budget at 85%)\n\nHello from Claude."


@pytest.mark.parametrize("drop", [False, True], ids=["error event", "connection dropped"])
def test_a_stream_cut_part_way_is_not_sent_and_the_next_tier_answers(
    drop, every_delta_drafted, post_update, fake_claude, fake_telegram
):
    fake_claude.text, fake_claude.stream_chunk_chars = ANSWER, 10
    fake_claude.queue_stream_cut(after=3, drop=drop)

    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    sonnet, haiku = fake_claude.calls
    assert (sonnet.params["model"], haiku.params["model"]) == (
        "claude-sonnet-5-5",
        "claude-haiku-5-5",
    )
    notice = "(Haiku answered — Sonnet is unavailable)"
    assert fake_telegram.sent_texts() == [f"{notice}\n\n{PLAIN}"]
    shown = fake_telegram.drafts()
    # Sonnet's placeholder and three deltas until the cut, then Haiku's notice alone as
    # its stream opens, and its eight deltas.
    assert len(shown) == 1 + 3 + 1 + 8
    assert not any(draft.startswith(notice) for draft in shown[:4])
    assert shown[4] == notice
    assert all(draft.startswith(notice) for draft in shown[4:])  # from Haiku's first draft
    cut, answered = LedgerEntry.objects.order_by("created_at")
    # The cut call: its prompt (1,200 tokens, from message_start) and all of Sonnet's
    # max_tokens as output, since its final usage never came.
    max_tokens = sonnet.params["max_tokens"]
    assert (cut.outcome, cut.input_tokens, cut.output_tokens) == ("error", 1200, max_tokens)
    usage = TokenUsage(input_tokens=1200, output_tokens=max_tokens)
    assert cut.cost_usd == call_cost(model="claude-sonnet-5-5", usage=usage)
    assert "stopped part way" in cut.error
    assert (answered.outcome, answered.reason, answered.tier) == ("ok", "fallback", "haiku")
    window = BudgetWindow.objects.get()
    assert window.spent_usd == cut.cost_usd + answered.cost_usd
    assert window.reserved_usd == 0
    assert ChatMessage.objects.get(role="assistant").model == "claude-haiku-5-5"


def test_when_every_tier_is_cut_nothing_is_sent_but_the_retry_notice(
    every_delta_drafted, post_update, fake_claude, fake_telegram
):
    fake_claude.text, fake_claude.stream_chunk_chars = ANSWER, 10
    for _ in range(6):  # three attempts, each Sonnet then Haiku
        fake_claude.queue_stream_cut(after=2)

    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    assert len(fake_telegram.drafts()) == 6 * (1 + 2)  # each: "Thinking…", two deltas
    assert fake_telegram.sent_texts() == [
        "Claude is unavailable right now. I will retry your message in a minute.",
        "I still couldn't reach Claude, so I gave up on that message. Please send it again.",
    ]
    assert not ChatMessage.objects.filter(role="assistant").exists()
    assert InboundUpdate.objects.get().result == "claude_unavailable"
    assert LedgerEntry.objects.filter(error__contains="stopped part way").count() == 6
    # Each retry is routed as the first attempt was: its own stored copy is no thread.
    assert set(LedgerEntry.objects.values_list("intended_tier", flat=True)) == {"sonnet"}


def test_where_drafts_are_refused_the_reply_comes_as_one_message(
    every_delta_drafted, post_update, fake_claude, fake_telegram
):
    fake_claude.text, fake_claude.stream_chunk_chars = ANSWER, 10
    fake_telegram.reject_drafts = True

    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))

    assert len(fake_telegram.calls("sendMessageDraft")) == 1  # tried once, then no more
    assert fake_telegram.sent_texts() == [PLAIN]
    assert InboundUpdate.objects.get().result == "replied"


def test_a_group_gets_no_drafts(every_delta_drafted, post_update, fake_claude, fake_telegram):
    group_id = -1001234567890
    AllowedGroup.objects.create(chat_id=group_id, name="Family")
    update = text_update("What should I cook tonight with leeks, eggs and rice?")
    update["message"]["chat"] = {"id": group_id, "type": "supergroup", "title": "Family"}

    post_update(update)

    assert fake_telegram.calls("sendMessageDraft") == []
    assert fake_telegram.sent_texts(group_id) == ["Hello from Claude."]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_through_a_worker_a_cut_stream_falls_back_and_continue_goes_on(
    start_worker, fake_claude, fake_telegram
):
    start_worker()
    fake_claude.text, fake_claude.stream_chunk_chars = ANSWER, 10
    fake_claude.stop_reason = "max_tokens"
    fake_claude.queue_stream_cut(after=3)  # Sonnet's stream stops part way

    assert post(text_update("What should I cook tonight with leeks, eggs and rice?")) == 200

    notice = "(Haiku answered — Sonnet is unavailable)"
    assert fake_telegram.wait_for_message() == [f"{notice}\n\n{PLAIN}"]
    # Telegram's "Thinking…" as Sonnet's stream opened; all text came within the second.
    assert fake_telegram.drafts() == [""]
    [[button, ask_opus]] = fake_telegram.sent[-1]["reply_markup"]["inline_keyboard"]
    assert (button["text"], ask_opus["text"]) == ("Continue ▸", "Ask Opus")
    wait_until_settled(1)
    fake_claude.text, fake_claude.stop_reason = " Serve warm.", "end_turn"

    press = button_update(button["callback_data"], message_id=fake_telegram.sent[-1]["message_id"])
    assert post(press) == 200

    wait_for(lambda: len(fake_telegram.sent_texts()) == 2)
    assert fake_telegram.sent_texts()[-1] == "Serve warm."  # Haiku, which wrote the reply, goes on
    assert (
        fake_telegram.calls("answerCallbackQuery")[0]["text"] == "Going on from where it stopped…"
    )
    wait_until_settled(2)
    entries = LedgerEntry.objects.filter(feature="message").order_by("created_at")
    assert [(e.tier, e.reason, e.outcome) for e in entries] == [
        ("sonnet", "", "error"),
        ("haiku", "fallback", "ok"),
        ("haiku", "continue", "ok"),
    ]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_stream_sends_no_half_answer_and_its_hold_is_charged(
    start_worker, fake_claude, fake_telegram
):
    worker = start_worker()
    fake_claude.text, fake_claude.stream_chunk_chars = ANSWER, 4
    fake_claude.stream_delta_delay = 0.2  # twenty deltas: four seconds of writing
    update = text_update("What should I cook tonight with leeks, eggs and rice?")

    assert post(update) == 200
    wait_for(lambda: fake_telegram.drafts())
    worker.kill()
    worker.wait()

    assert fake_telegram.sent_texts() == []  # the draft was a preview; no message came
    [held] = Reservation.objects.filter(status="held")
    fake_claude.stream_delta_delay = 0
    waiting = updates_sweep(now=timezone.now() + timedelta(hours=1))
    assert waiting == [update["update_id"]]
    update_process(update_id=update["update_id"], hand_on=[].append)  # nothing waits after it

    assert fake_telegram.sent_texts() == [PLAIN]  # the whole answer, once
    interrupted, answered = LedgerEntry.objects.filter(feature="message").order_by("created_at")
    assert (interrupted.outcome, interrupted.cost_usd) == ("interrupted", held.amount_usd)
    assert answered.outcome == "ok"
    window = BudgetWindow.objects.get()
    assert (window.spent_usd, window.reserved_usd) == (held.amount_usd + answered.cost_usd, 0)
