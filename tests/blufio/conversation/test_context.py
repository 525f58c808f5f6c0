"""What Claude sees: answered turns within the allowance, then the owner's current message;
the summary; alternating roles."""

import pytest

from blufio.conversation.context import (
    CONTEXT_TOKEN_ALLOWANCE,
    RECENT_TURNS_LIMIT,
    recent_messages,
    system_parts,
)
from blufio.models import ChatMessage, ChatSession
from costs.models import BudgetSettings
from tests.conftest import text_update
from tests.helpers import spend_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    return ChatSession.objects.create(chat_id=1001, user_id=1001)


def add(session, role, text, *, answers=None):
    return ChatMessage.objects.create(session=session, role=role, text=text, answers=answers)


def exchange(session, question, answer):
    add(session, "assistant", answer, answers=add(session, "user", question))


def test_old_turns_that_do_not_fit_the_allowance_are_left_out(session):
    big = "x" * (CONTEXT_TOKEN_ALLOWANCE * 4 // 3)  # a third of the allowance each
    for number in range(6):
        exchange(session, f"{number} {big}", f"answer {number}")
    current = add(session, "user", "latest question")

    messages = recent_messages(session, current)

    assert messages[-1] == {"role": "user", "content": "latest question"}
    assert messages[0]["role"] == "user"
    assert [m["content"][:1] for m in messages if m["role"] == "user"][:2] == ["4", "5"]
    assert sum(len(m["content"]) for m in messages) < CONTEXT_TOKEN_ALLOWANCE * 4 + 100


def test_a_full_window_drops_old_turns_in_blocks_so_its_start_stays_put(session):
    starts, sizes = [], []
    for number in range(40):
        current = add(session, "user", f"question {number}")
        messages = recent_messages(session, current)
        starts.append(messages[0]["content"])
        sizes.append(len(messages))
        assert messages[0]["role"] == "user" and messages[-1]["content"] == current.text
        assert all(  # every answer right after the question it answers
            a["content"] == q["content"].replace("question", "answer")
            for q, a in zip(messages[::2], messages[1::2], strict=False)
        )
        add(session, "assistant", f"answer {number}", answers=current)

    assert max(sizes) <= RECENT_TURNS_LIMIT + 1  # bounded
    # Past the limit (20 turns) the start jumps 10 turns ahead at once, then stays put for
    # ten turns, instead of moving on by one every turn (a cache miss each time).
    assert starts[:21] == ["question 0"] * 21
    assert starts[21:31] == ["question 10"] * 10
    assert starts[31:] == ["question 20"] * 9


def test_the_current_message_is_kept_even_when_it_alone_is_too_big(session):
    exchange(session, "hello", "hi")
    current = add(session, "user", "y" * (CONTEXT_TOKEN_ALLOWANCE * 8))

    assert recent_messages(session, current) == [{"role": "user", "content": current.text}]


def test_messages_that_got_no_answer_are_left_out(session):
    exchange(session, "What is 2 + 2?", "4.")
    add(session, "user", "refused: the budget was spent")
    add(session, "user", "never answered")
    current = add(session, "user", "And 3 + 3?")

    assert recent_messages(session, current) == [
        {"role": "user", "content": "What is 2 + 2?"},
        {"role": "assistant", "content": "4."},
        {"role": "user", "content": "And 3 + 3?"},
    ]


def test_a_late_answer_follows_the_message_it_answers(session):
    first = add(session, "user", "first")
    exchange(session, "second", "answer to second")
    add(session, "assistant", "answer to first", answers=first)  # a retry answered it later
    current = add(session, "user", "third")

    assert [m["content"] for m in recent_messages(session, current)] == [
        "first",
        "answer to first",
        "second",
        "answer to second",
        "third",
    ]


def test_turns_after_the_current_message_are_left_out(session):
    exchange(session, "before", "answered before")
    current = add(session, "user", "retried later")
    exchange(session, "after", "answered after")

    assert [m["content"] for m in recent_messages(session, current)] == [
        "before",
        "answered before",
        "retried later",
    ]


def test_a_check_in_stays_in_the_history_and_turns_of_one_role_in_a_row_are_merged(session):
    add(session, "assistant", "🔔 a check-in before anything was said")
    exchange(session, "hello", "hi")
    add(session, "assistant", "🔔 You wanted to call the bank.")
    current = add(session, "user", "done!")

    assert recent_messages(session, current) == [
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "hi\n\n🔔 You wanted to call the bank."},
        {"role": "user", "content": "done!"},
    ]


def test_a_message_refused_for_the_budget_is_not_in_the_next_prompt(
    post_update, fake_claude, fake_telegram
):
    spend_now(BudgetSettings.get_solo().daily_budget_usd)
    post_update(text_update("What is the capital of Peru?"))
    assert fake_telegram.sent_texts()[0].startswith("Today's budget")
    assert fake_claude.calls == []

    spend_now("0")
    post_update(text_update("Remind me what a haiku is"))

    reply = fake_claude.calls[0]  # then memory extraction reads the message
    assert reply.params["messages"] == [{"role": "user", "content": "Remind me what a haiku is"}]


def test_the_summary_of_older_turns_goes_into_the_system_prompt(session):
    session.summary = "The owner is planning a trip to Lisbon."

    [stable] = system_parts(session)
    assert stable.endswith(
        "Summary of the earlier conversation:\nThe owner is planning a trip to Lisbon."
    )
