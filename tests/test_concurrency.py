"""Many messages or heartbeats at once, real worker processes: the caps hold, duplicates are
answered once."""

import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.utils import timezone

from blufio.models import AllowedGroup, ChatSession, InboundUpdate
from costs.models import BudgetSettings, BudgetWindow, LedgerEntry
from heartbeat.models import CheckIn, PendingItem
from heartbeat.tasks import heartbeat_pass_task
from tests.conftest import text_update
from tests.helpers import post, quiet_hours_off, spend_now, wait_until_settled

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_fifty_messages_at_99_percent_never_pass_the_cap(start_worker, fake_claude, fake_telegram):
    BudgetSettings.objects.update_or_create(pk=1, defaults={"daily_budget_usd": Decimal("1.00")})
    cap = Decimal("1.00")  # 1% left is one cent: about a dozen of these Haiku replies
    spend_now(cap * Decimal("0.99"))
    fake_claude.usage = {"input_tokens": 3000, "output_tokens": 1000}  # 0.08 cents at Haiku
    start_worker(pool="prefork", concurrency=4)

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(post, [text_update(f"question {n}") for n in range(50)]))
    wait_until_settled(50)

    assert statuses == [200] * 50
    window = BudgetWindow.objects.get()
    assert window.spent_usd <= cap
    assert window.reserved_usd == 0
    results = list(InboundUpdate.objects.values_list("result", flat=True))
    answered, refused = results.count("replied"), results.count("budget")
    assert answered + refused == 50
    assert refused > 0 and answered > 0
    assert LedgerEntry.objects.filter(outcome="ok").count() == answered == len(fake_claude.calls)
    assert window.spent_usd == sum(e.cost_usd for e in LedgerEntry.objects.all()) + cap * Decimal(
        "0.99"
    )
    spent_notices = [t for t in fake_telegram.sent_texts() if t.startswith("Today's budget")]
    assert len(spent_notices) == refused


def test_one_update_delivered_100_times_at_once_is_answered_and_charged_once(
    start_worker, fake_claude, fake_telegram
):
    start_worker(pool="prefork", concurrency=4)
    update = text_update("only once, please")

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(post, [update] * 100))
    wait_until_settled(1)
    time.sleep(1)  # give any duplicate a chance to show itself

    assert statuses == [200] * 100
    assert InboundUpdate.objects.count() == 1
    assert len(fake_claude.calls) == 1
    assert len(fake_telegram.sent_texts()) == 1
    assert LedgerEntry.objects.count() == 1


def test_each_chat_is_answered_in_order_one_message_at_a_time_while_chats_run_in_parallel(
    start_worker, fake_claude, fake_telegram
):
    fake_claude.delay = 0.2
    AllowedGroup.objects.create(chat_id=-2002, name="Family")
    start_worker(pool="prefork", concurrency=4)
    updates = []
    for n in range(6):
        for chat in ("alpha", "beta"):
            update = text_update(f"{chat} message {n}")
            if chat == "beta":  # a group chat with the owner in it, allowed in admin
                update["message"]["chat"] = {"id": -2002, "type": "group", "title": "Family"}
            updates.append(update)

    for update in updates:  # delivered in order, as Telegram does, but faster than answered
        assert post(update) == 200
    wait_until_settled(12)

    assert fake_claude.most_in_flight == {"alpha": 1, "beta": 1}
    assert fake_claude.most_in_flight_overall == 2
    for chat in ("alpha", "beta"):
        asked = [
            call.params["messages"][-1]["content"]
            for call in fake_claude.calls
            if call.params["messages"][-1]["content"].startswith(chat)
        ]
        assert asked == [f"{chat} message {n}" for n in range(6)]


def test_fifty_heartbeats_at_99_percent_never_pass_the_heartbeat_cap(
    start_worker, fake_claude, fake_telegram
):
    quiet_hours_off()
    BudgetSettings.objects.update_or_create(
        pk=1, defaults={"heartbeat_monthly_budget_usd": Decimal("1.00")}
    )
    cap, already = Decimal("1.00"), Decimal("0.995")  # half a cent left: a few dozen check-ins
    spend_now(already, pool="heartbeat")
    for chat_id in range(1, 51):
        session = ChatSession.objects.create(
            chat_id=chat_id, user_id=chat_id, last_message_at=timezone.now()
        )
        PendingItem.objects.create(
            session=session, kind="reminder", text=f"Task {chat_id}", due_at=timezone.now()
        )
    fake_claude.text = "Your task is due."
    fake_claude.usage_from_prompt = True
    fake_claude.usage = {"output_tokens": 200}  # the heartbeat's max_tokens
    # Fifty owners, each in their own private chat.
    owners = ",".join(str(chat_id) for chat_id in range(1, 51))
    start_worker(pool="prefork", concurrency=4, TELEGRAM_ALLOWED_USER_IDS=owners)

    heartbeat_pass_task.delay()  # beat's task: one heartbeat task per chat, four at a time

    deadline = time.monotonic() + 90
    while CheckIn.objects.exclude(outcome="claimed").count() < 50:
        assert time.monotonic() < deadline, "the workers did not finish in time"
        time.sleep(0.2)
    window = BudgetWindow.objects.get(pool="heartbeat")
    assert window.spent_usd <= cap and window.reserved_usd == 0
    outcomes = list(CheckIn.objects.values_list("outcome", flat=True))
    sent, refused = outcomes.count("sent"), outcomes.count("budget")
    assert sent + refused == 50 and sent > 0 and refused > 0
    calls = LedgerEntry.objects.filter(feature="heartbeat", outcome="ok")
    assert calls.count() == sent == len(fake_claude.calls) == len(fake_telegram.sent_texts())
    assert window.spent_usd == already + sum(entry.cost_usd for entry in calls)
    assert not BudgetWindow.objects.filter(pool="conversation").exists()
