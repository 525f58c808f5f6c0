"""The heartbeat pass: skip rules, the Haiku call within its own budget, delivery, buttons.

Real SDKs against the loopback fakes, on PostgreSQL.
"""

import threading
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from blufio.models import ChatMessage, ChatSession
from costs.models import BudgetSettings, BudgetWindow, LedgerEntry
from costs.services import budget_reserve, budget_settle
from heartbeat import checkins
from heartbeat.checkins import heartbeat_pass
from heartbeat.memory import item_status_set
from heartbeat.models import CheckIn, HeartbeatSettings, PendingItem
from tests.conftest import OWNER_CHAT_ID, OWNER_ID, STRANGER_ID, button_update, text_update
from tests.fakes.anthropic import system_text
from tests.helpers import quiet_hours_off

CHECKIN = "Time to call mom: it was due a few minutes ago."


@pytest.fixture
def beat(db, settings):
    """Heartbeat settings without quiet hours, so tests do not depend on the clock; the
    owners of chats 1 to 40 are allowed too (several owners, one private chat each)."""
    settings.TELEGRAM_ALLOWED_USER_IDS = frozenset({OWNER_CHAT_ID, *range(1, 41)})
    return quiet_hours_off()


def owner_session(chat_id=OWNER_CHAT_ID, idle=timedelta(hours=2)) -> ChatSession:
    return ChatSession.objects.create(
        chat_id=chat_id, user_id=chat_id, last_message_at=timezone.now() - idle
    )


def due_item(session, text="Call mom", due_in=timedelta(minutes=-5)) -> PendingItem:
    return PendingItem.objects.create(
        session=session, kind="reminder", text=text, due_at=timezone.now() + due_in
    )


def outcomes(now=None) -> list[str]:
    return [result.outcome for result in heartbeat_pass(now=now)]


def heartbeat_calls(fake_claude):
    return [c for c in fake_claude.calls if "check-ins" in c.params["system"]]


def bells(fake_telegram):
    return [text for text in fake_telegram.sent_texts() if text.startswith("🔔")]


def test_a_due_reminder_is_sent_as_a_bell_message_on_haiku_within_the_heartbeat_budget(
    beat, fake_claude, fake_telegram
):
    session = owner_session()
    ChatMessage.objects.create(session=session, role="user", text="my private conversation")
    item = due_item(session)
    fake_claude.text = CHECKIN

    assert outcomes() == ["sent"]

    [call] = heartbeat_calls(fake_claude)
    assert call.params["model"] == "claude-haiku-5-5"
    assert call.params["max_tokens"] == 200
    [prompt] = call.params["messages"]
    assert f"#{item.pk} reminder: Call mom" in prompt["content"]
    assert "my private conversation" not in prompt["content"]
    [sent] = fake_telegram.calls("sendMessage")
    assert sent["text"] == f"🔔 {CHECKIN}"
    assert sent["reply_markup"]["inline_keyboard"] == [
        [
            {"text": "✅ Call mom", "callback_data": f"item:{item.pk}:done"},
            {"text": "⏰ 1 h", "callback_data": f"item:{item.pk}:snooze"},
        ]
    ]
    entry = LedgerEntry.objects.get()
    assert (entry.feature, entry.actual_model) == ("heartbeat", "claude-haiku-5-5")
    # Spent from the monthly heartbeat budget, never the conversation budget.
    assert BudgetWindow.objects.get(pool="heartbeat").spent_usd == entry.cost_usd > 0
    assert not BudgetWindow.objects.filter(pool="conversation", spent_usd__gt=0).exists()
    assert CheckIn.objects.get().outcome == "sent"


def test_an_unchanged_second_pass_makes_no_model_call(beat, fake_claude, fake_telegram):
    due_item(owner_session())
    fake_claude.text = CHECKIN

    assert outcomes() == ["sent"]
    assert outcomes(timezone.now() + timedelta(minutes=30)) == ["skipped (unchanged)"]
    assert outcomes(timezone.now() + timedelta(hours=3)) == ["skipped (unchanged)"]
    assert len(fake_claude.calls) == 1 and len(bells(fake_telegram)) == 1


def test_idle_and_empty_chats_are_not_polled_unless_something_is_due(
    beat, fake_claude, fake_telegram
):
    idle = owner_session(chat_id=1, idle=timedelta(days=5))
    PendingItem.objects.create(session=idle, kind="follow_up", text="Read the contract")
    owner_session(chat_id=2)  # active, nothing pending
    idle_but_due = owner_session(chat_id=3, idle=timedelta(days=5))
    due_item(idle_but_due)
    fake_claude.text = CHECKIN

    assert outcomes() == ["skipped (idle)", "skipped (nothing pending)", "sent"]
    assert len(fake_claude.calls) == 1


def test_no_check_ins_in_quiet_hours_in_the_owners_time_zone(beat, fake_claude, fake_telegram):
    BudgetSettings.objects.update_or_create(pk=1, defaults={"timezone": "Asia/Tokyo"})
    due_item(owner_session())
    now = timezone.now()
    local = now.astimezone(ZoneInfo("Asia/Tokyo"))
    beat.quiet_hours_start = (local - timedelta(hours=1)).time()
    beat.quiet_hours_end = (local + timedelta(hours=1)).time()
    beat.save()

    assert outcomes(now) == ["skipped (quiet hours)"]
    assert fake_claude.calls == [] and fake_telegram.requests == []


def test_the_heartbeat_budget_stops_calls_at_its_cap(beat, fake_claude, fake_telegram):
    BudgetSettings.objects.update_or_create(
        pk=1, defaults={"heartbeat_monthly_budget_usd": Decimal("0.01")}
    )
    # Seven tenths spent already: room for a couple of dozen check-ins, not forty.
    budget_settle(
        reservation=budget_reserve(amount=Decimal("0.007"), pool="heartbeat"),
        cost=Decimal("0.007"),
    )
    for chat_id in range(1, 41):
        due_item(owner_session(chat_id=chat_id))
    fake_claude.text = CHECKIN
    fake_claude.usage_from_prompt = True
    fake_claude.usage = {"output_tokens": 200}

    results = outcomes()

    window = BudgetWindow.objects.get(pool="heartbeat")
    assert window.spent_usd <= Decimal("0.01") and window.reserved_usd == 0
    assert results.count("sent") == len(fake_claude.calls) >= 1
    assert results.count("skipped (budget)") == 40 - len(fake_claude.calls) >= 1
    assert not LedgerEntry.objects.filter(feature="message").exists()


def test_a_budget_skip_is_retried_when_the_budget_allows(beat, fake_claude, fake_telegram):
    BudgetSettings.objects.update_or_create(
        pk=1, defaults={"heartbeat_monthly_budget_usd": Decimal(0)}
    )
    due_item(owner_session())
    fake_claude.text = CHECKIN

    assert outcomes() == ["skipped (budget)"]
    BudgetSettings.objects.filter(pk=1).update(heartbeat_monthly_budget_usd=Decimal(10))
    assert outcomes(timezone.now() + timedelta(minutes=30)) == ["sent"]


def test_a_check_in_telegram_refuses_is_recorded_and_the_pass_goes_on(
    beat, fake_claude, fake_telegram
):
    due_item(owner_session(chat_id=1))
    due_item(owner_session(chat_id=2))
    fake_claude.text = CHECKIN
    fake_telegram.flood_waits = [120]  # longer than we wait: the first send fails

    assert outcomes() == ["failed (Telegram refused)", "sent"]
    assert list(CheckIn.objects.order_by("session__chat_id").values_list("outcome", flat=True)) == [
        "undelivered",
        "sent",
    ]


def test_without_an_api_key_no_heartbeat_is_attempted(beat, settings, fake_claude, fake_telegram):
    settings.ANTHROPIC_API_KEY = ""
    due_item(owner_session())

    assert outcomes() == ["skipped (ANTHROPIC_API_KEY is not set)"]
    assert fake_claude.calls == [] and not LedgerEntry.objects.exists()


def test_nothing_to_say_sends_nothing(beat, fake_claude, fake_telegram):
    PendingItem.objects.create(session=owner_session(), kind="follow_up", text="Read the contract")
    fake_claude.text = "NO_CHECKIN"

    assert outcomes() == ["nothing to say"]
    assert outcomes(timezone.now() + timedelta(minutes=30)) == ["skipped (unchanged)"]
    assert fake_telegram.requests == [] and len(fake_claude.calls) == 1


def test_a_check_in_repeating_one_already_sent_is_suppressed(beat, fake_claude, fake_telegram):
    session = owner_session()
    due_item(session)
    fake_claude.text = CHECKIN
    assert outcomes() == ["sent"]

    PendingItem.objects.create(session=session, kind="follow_up", text="Read the contract")
    fake_claude.text = CHECKIN + "!"

    assert outcomes(timezone.now() + timedelta(minutes=30)) == ["suppressed (repeat)"]
    assert len(bells(fake_telegram)) == 1


def test_a_snoozed_item_that_comes_back_is_reminded_again_in_the_same_words(
    beat, fake_claude, fake_telegram
):
    item = due_item(owner_session())
    fake_claude.text = CHECKIN
    assert outcomes() == ["sent"]

    later = timezone.now() + timedelta(minutes=10)
    item_status_set(item_id=item.pk, session_id=item.session_id, status="snoozed", now=later)

    assert outcomes(later + timedelta(minutes=61)) == ["sent"]
    assert bells(fake_telegram) == [f"🔔 {CHECKIN}", f"🔔 {CHECKIN}"]


def test_on_next_message_the_check_in_is_woven_into_the_next_reply_once(
    beat, post_update, fake_claude, fake_telegram
):
    beat.delivery = HeartbeatSettings.Delivery.ON_NEXT_MESSAGE
    beat.save()
    due_item(owner_session())
    fake_claude.text = CHECKIN

    assert outcomes() == ["stored"]
    assert fake_telegram.requests == []

    fake_claude.text = "Here you go."
    post_update(text_update("What's a good pasta recipe?"))
    post_update(text_update("And a dessert?"))

    first_reply, second_reply = [c for c in fake_claude.calls[1:] if not c.params.get("tools")]
    assert CHECKIN in system_text(first_reply.params)
    assert CHECKIN not in system_text(second_reply.params)
    checkin = CheckIn.objects.get()
    assert checkin.outcome == "delivered" and checkin.delivered_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_double_fired_beat_sends_one_check_in(prices, beat, fake_claude, fake_telegram):
    due_item(owner_session())
    fake_claude.text = CHECKIN
    fake_claude.delay = 0.5  # both passes are past the skip rules before either finishes
    now = timezone.now()
    results = []

    def fire():
        try:
            results.extend(outcomes(now))
        finally:
            connection.close()

    beats = [threading.Thread(target=fire) for _ in range(2)]
    for thread in beats:
        thread.start()
    for thread in beats:
        thread.join()

    assert sorted(results) == ["sent", "skipped (already claimed)"]
    assert len(bells(fake_telegram)) == 1 and len(fake_claude.calls) == 1


def button_press(data: str, *, user_id: int = OWNER_ID, message_id: int = 5000) -> dict:
    return button_update(data, message_id=message_id, user_id=user_id)


def test_the_done_button_closes_the_item_and_leaves_the_message(
    beat, post_update, fake_claude, fake_telegram
):
    session = owner_session()
    item = due_item(session)
    due_item(session, text="Pay rent")
    fake_claude.text = CHECKIN
    outcomes()
    message_id = CheckIn.objects.get().telegram_message_id

    post_update(button_press(f"item:{item.pk}:done", message_id=message_id))

    item.refresh_from_db()
    assert item.status == "done"
    [answer] = fake_telegram.calls("answerCallbackQuery")
    assert answer["text"] == "✅ Done: Call mom"
    [edit] = fake_telegram.calls("editMessageReplyMarkup")
    assert int(edit["message_id"]) == message_id
    labels = [b["text"] for row in edit["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["✅ Pay rent", "⏰ 1 h"]


def test_the_snooze_button_brings_the_item_back_an_hour_later(
    beat, post_update, fake_claude, fake_telegram
):
    item = due_item(owner_session())
    fake_claude.text = CHECKIN
    outcomes()

    post_update(button_press(f"item:{item.pk}:snooze"))

    item.refresh_from_db()
    assert item.status == "snoozed"
    assert timedelta(minutes=59) < item.snoozed_until - timezone.now() <= timedelta(hours=1)
    assert fake_telegram.calls("answerCallbackQuery")[0]["text"].startswith("⏰")
    assert outcomes(timezone.now() + timedelta(minutes=30)) == ["skipped (nothing pending)"]
    fake_claude.text = "Call mom now? You snoozed it an hour ago."
    assert outcomes(timezone.now() + timedelta(minutes=61)) == ["sent"]


def test_answering_a_check_in_in_words_closes_the_item(
    beat, post_update, fake_claude, fake_telegram
):
    session = owner_session()
    asked = ChatMessage.objects.create(
        session=session, role="user", text="Remind me to call mom at 5"
    )
    ChatMessage.objects.create(session=session, role="assistant", text="Will do.", answers=asked)
    item = due_item(session)
    fake_claude.text = CHECKIN
    outcomes()
    fake_claude.tool_input = {"new_items": [], "updates": [{"item_id": item.pk, "status": "done"}]}
    fake_claude.text = "Great, well done!"

    post_update(text_update("Called her just now"))

    reply, extraction = fake_claude.calls[1:]
    assert reply.params["messages"][-2] == {
        "role": "assistant",
        "content": f"Will do.\n\n🔔 {CHECKIN}",
    }
    assert f"Blufio's previous message: 🔔 {CHECKIN}" in extraction.params["messages"][0]["content"]
    item.refresh_from_db()
    assert item.status == "done"


def test_strangers_and_unknown_buttons_change_nothing(
    beat, post_update, fake_claude, fake_telegram
):
    item = due_item(owner_session())

    post_update(button_press(f"item:{item.pk}:done", user_id=STRANGER_ID))
    post_update(button_press("launch:missiles"))

    item.refresh_from_db()
    assert item.status == "open"
    [answer] = fake_telegram.calls("answerCallbackQuery")
    assert answer["text"] == "That button no longer does anything."


def test_the_heartbeat_command_prints_one_line_per_chat(beat, fake_claude, fake_telegram):
    due_item(owner_session(chat_id=1))
    owner_session(chat_id=2, idle=timedelta(days=9))
    fake_claude.text = CHECKIN
    out = StringIO()

    call_command("heartbeat", "--once", stdout=out)

    assert out.getvalue().splitlines() == ["chat 1: sent", "chat 2: skipped (idle)"]


def test_one_chats_failing_heartbeat_does_not_stop_the_pass_for_the_others(
    beat, fake_claude, fake_telegram, monkeypatch, caplog
):
    due_item(owner_session(chat_id=1))
    due_item(owner_session(chat_id=2))
    fake_claude.text = CHECKIN
    attempt = checkins.checkin_attempt

    def first_chat_breaks(session, **kwargs):
        if session.chat_id == 1:
            raise RuntimeError("an unreadable row")
        return attempt(session, **kwargs)

    monkeypatch.setattr(checkins, "checkin_attempt", first_chat_breaks)
    out = StringIO()

    call_command("heartbeat", "--once", stdout=out)

    assert out.getvalue().splitlines() == ["chat 1: failed (RuntimeError)", "chat 2: sent"]
    assert bells(fake_telegram) == [f"🔔 {CHECKIN}"]
    assert "The heartbeat of chat 1 failed" in caplog.text


def test_a_chat_that_blocked_the_bot_gets_no_heartbeat_until_the_owner_writes_again(
    beat, post_update, fake_claude, fake_telegram
):
    session = owner_session()
    due_item(session)
    fake_claude.text = CHECKIN
    fake_telegram.blocked_chats.add(OWNER_CHAT_ID)

    assert outcomes() == ["failed (chat unreachable)"]
    session.refresh_from_db()
    assert session.unreachable_since is not None
    assert (
        session.unreachable_reason == "Telegram forbids it: Forbidden: bot was blocked by the user"
    )
    assert CheckIn.objects.get().outcome == "undelivered"

    # Later slots pay for nothing, even when something new is due.
    due_item(session, text="Pay rent")
    for minutes in (30, 60, 24 * 60):
        later = timezone.now() + timedelta(minutes=minutes)
        assert outcomes(later) == ["skipped (chat unreachable)"]
    assert len(heartbeat_calls(fake_claude)) == 1
    assert LedgerEntry.objects.filter(feature="heartbeat").count() == 1

    # The owner unblocks the bot and writes: it is answered, and check-ins come back.
    fake_telegram.blocked_chats.clear()
    fake_claude.text = "Welcome back."
    post_update(text_update("Hi again"))
    session.refresh_from_db()
    assert (session.unreachable_since, session.unreachable_reason) == (None, "")
    fake_claude.text = CHECKIN
    assert outcomes(timezone.now() + timedelta(minutes=30)) == ["sent"]
    assert bells(fake_telegram) == [f"🔔 {CHECKIN}"] * 2  # the one refused, the one delivered


def test_a_group_the_owner_has_not_allowed_gets_no_check_in(beat, fake_claude, fake_telegram):
    group = ChatSession.objects.create(
        chat_id=-100_500, user_id=OWNER_CHAT_ID, private=False, last_message_at=timezone.now()
    )
    due_item(group)
    fake_claude.text = CHECKIN

    assert outcomes() == ["skipped (group not allowed)"]
    assert heartbeat_calls(fake_claude) == [] and bells(fake_telegram) == []


def test_a_user_no_longer_allowed_gets_no_check_in_and_nothing_is_paid(
    beat, fake_claude, fake_telegram, settings
):
    due_item(owner_session())
    fake_claude.text = CHECKIN
    settings.TELEGRAM_ALLOWED_USER_IDS = []  # the owner emptied the list: nobody is answered

    assert outcomes() == ["skipped (user not allowed)"]
    assert heartbeat_calls(fake_claude) == [] and bells(fake_telegram) == []
    assert not LedgerEntry.objects.filter(feature="heartbeat").exists()
