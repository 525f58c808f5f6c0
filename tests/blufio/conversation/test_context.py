"""What Claude sees: recent turns within the allowance, the summary, alternating roles."""

import pytest

from blufio.conversation.context import CONTEXT_TOKEN_ALLOWANCE, recent_messages, system_prompt
from blufio.models import ChatMessage, ChatSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    return ChatSession.objects.create(chat_id=1001, user_id=1001)


def add(session, role, text):
    ChatMessage.objects.create(session=session, role=role, text=text)


def test_old_turns_that_do_not_fit_the_allowance_are_left_out(session):
    big = "x" * (CONTEXT_TOKEN_ALLOWANCE * 4 // 3)  # a third of the allowance each
    for number in range(6):
        add(session, "user", f"{number} {big}")
        add(session, "assistant", f"answer {number}")
    add(session, "user", "latest question")

    messages = recent_messages(session)

    assert messages[-1] == {"role": "user", "content": "latest question"}
    assert messages[0]["role"] == "user"
    assert [m["content"][:1] for m in messages if m["role"] == "user"][:2] == ["4", "5"]
    assert sum(len(m["content"]) for m in messages) < CONTEXT_TOKEN_ALLOWANCE * 4 + 100


def test_the_newest_message_is_kept_even_when_it_alone_is_too_big(session):
    add(session, "user", "y" * (CONTEXT_TOKEN_ALLOWANCE * 8))

    assert len(recent_messages(session)) == 1


def test_turns_of_one_role_in_a_row_are_merged(session):
    add(session, "assistant", "an answer whose question was trimmed")
    add(session, "user", "first")
    add(session, "user", "second")

    assert recent_messages(session) == [{"role": "user", "content": "first\n\nsecond"}]


def test_the_summary_of_older_turns_goes_into_the_system_prompt(session):
    session.summary = "The owner is planning a trip to Lisbon."

    assert system_prompt(session).endswith(
        "Summary of the earlier conversation:\nThe owner is planning a trip to Lisbon."
    )
