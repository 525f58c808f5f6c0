"""The owner in a group chat: answered only in groups allowed in admin, never shown spend."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from blufio.models import AllowedGroup, ChatSession, InboundUpdate
from costs.models import LedgerEntry
from heartbeat.weekly import weekly_digest_send
from tests.conftest import OWNER_CHAT_ID, text_update
from tests.helpers import ledger_row, spend_now

pytestmark = pytest.mark.django_db
GROUP_ID = -1001234567890
HARD = "prove that there are infinitely many primes of the form 4k+3"
PRIVATE_ONLY = "I don't post spend in a group. Send me the command in our private chat."


def group_update(text: str, *, chat_type: str = "supergroup") -> dict:
    """The owner's message in a group chat."""
    update = text_update(text)
    update["message"]["chat"] = {"id": GROUP_ID, "type": chat_type, "title": "Family"}
    return update


@pytest.fixture
def allowed_group():
    return AllowedGroup.objects.create(chat_id=GROUP_ID, name="Family")


@pytest.mark.parametrize("chat_type", ["group", "supergroup"])
@pytest.mark.parametrize("text", ["what's the capital of Peru?", "/budget", "/help"])
def test_the_owner_in_a_group_is_not_answered(
    chat_type, text, post_update, fake_claude, fake_telegram
):
    response = post_update(group_update(text, chat_type=chat_type))

    assert response.status_code == 200
    assert fake_telegram.requests == []
    assert fake_claude.calls == []
    stored = InboundUpdate.objects.get()
    assert (stored.status, stored.result, stored.chat_id) == ("ignored", "group", GROUP_ID)
    assert LedgerEntry.objects.count() == 0


def test_in_an_allowed_group_the_owner_is_answered(
    allowed_group, post_update, fake_claude, fake_telegram
):
    post_update(group_update("what's the capital of Peru?"))

    assert fake_telegram.sent_texts(GROUP_ID) == ["Hello from Claude."]
    assert ChatSession.objects.get().private is False


@pytest.mark.parametrize("command", ["/budget", "/stats", "/budget@BlufioBot"])
def test_spend_commands_in_an_allowed_group_show_no_spend(
    command, allowed_group, post_update, fake_claude, fake_telegram
):
    spend_now("3.21")

    post_update(group_update(command))

    assert fake_telegram.sent_texts() == [PRIVATE_ONLY]
    assert fake_claude.calls == []


def test_in_an_allowed_group_budget_notices_and_alerts_are_left_out(
    allowed_group, post_update, fake_claude, fake_telegram
):
    spend_now("4.25")  # 85% of the default $5: downgraded, with a notice and an alert

    post_update(group_update(HARD))

    assert fake_claude.calls[0].params["model"] == "claude-sonnet-5-5"
    assert fake_telegram.sent_texts() == ["Hello from Claude."]

    post_update(text_update(HARD))  # the alert waits for the private chat

    [reply, alert] = fake_telegram.sent_texts(OWNER_CHAT_ID)
    assert reply.startswith("(Using Sonnet — budget at 85%)")
    assert alert.startswith("⚠️ Budget alert: today's spend passed 80% ($4.2")


def test_in_an_allowed_group_a_spent_budget_is_told_without_the_figure(
    allowed_group, post_update, fake_claude, fake_telegram
):
    spend_now("5")

    post_update(group_update("what's the capital of Peru?"))

    [text] = fake_telegram.sent_texts()
    assert text.startswith("Today's budget is spent, so I won't call Claude until it resets")
    assert "$" not in text
    assert fake_claude.calls == []


def test_the_weekly_digest_goes_to_private_chats_only(fake_telegram, fake_claude):
    ChatSession.objects.create(chat_id=OWNER_CHAT_ID, user_id=OWNER_CHAT_ID)
    ChatSession.objects.create(chat_id=GROUP_ID, user_id=OWNER_CHAT_ID, private=False)
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("UTC"))
    ledger_row("claude-haiku-5-5", feature="message", tier="haiku", at=monday, days_ago=2)

    assert weekly_digest_send(now=monday) == [f"chat {OWNER_CHAT_ID}: sent"]
    assert [int(c["chat_id"]) for c in fake_telegram.calls("sendMessage")] == [OWNER_CHAT_ID]
