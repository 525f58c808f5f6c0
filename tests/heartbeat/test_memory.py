"""Memory after a reply: pending items from the owner's words, and compaction of long
histories. Real SDKs against the loopback fakes, on PostgreSQL."""

from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from blufio.inbox.updates import update_receive
from blufio.models import ChatMessage, ChatSession, InboundUpdate
from costs.models import BudgetSettings, LedgerEntry
from heartbeat import memory
from heartbeat.memory import EXTRACTION, memory_extract
from heartbeat.models import ExtractionRun, HeartbeatSettings, PendingItem
from heartbeat.selectors import extraction_stats
from tests.conftest import OWNER_CHAT_ID, text_update
from tests.fakes.anthropic import system_text
from tests.helpers import budget_window_now, quiet_hours_off

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def tool_use(data) -> list[dict]:
    return [{"type": "tool_use", "id": "toolu_1", "name": EXTRACTION.name, "input": data}]


def extraction_calls(fake_claude):
    return [c for c in fake_claude.calls if c.params.get("tools")]


@pytest.fixture
def paris():
    BudgetSettings.objects.update_or_create(pk=1, defaults={"timezone": "Europe/Paris"})


def test_a_reminder_in_a_message_becomes_a_pending_item_due_in_the_owners_time(
    post_update, fake_claude, fake_telegram, paris
):
    fake_claude.queue_tool_content(
        tool_use(
            {
                "new_items": [
                    {"kind": "reminder", "text": "Call mom", "due": "2026-11-27T17:00:00"}
                ],
                "updates": [],
            }
        )
    )

    post_update(text_update("Remind me Friday at 5 to call mom"))

    assert fake_telegram.sent_texts() == ["Hello from Claude."]  # the reply came first
    [call] = extraction_calls(fake_claude)
    assert call.params["model"] == "claude-haiku-5-5"
    # Haiku 5.5 thinks unless told not to, and is never forced to a tool: thinking off,
    # the least effort, the tool offered.
    assert "tool_choice" not in call.params
    assert call.params["thinking"] == {"type": "disabled"}
    assert call.params["output_config"] == {"effort": "low"}
    prompt = call.params["messages"][0]["content"]
    assert "(Europe/Paris)" in prompt and "Remind me Friday at 5 to call mom" in prompt
    item = PendingItem.objects.get()
    assert (item.kind, item.text, item.status) == ("reminder", "Call mom", "open")
    assert item.due_at == datetime(2026, 11, 27, 17, 0, tzinfo=PARIS)
    assert item.source_message.text == "Remind me Friday at 5 to call mom"
    entry = LedgerEntry.objects.get(feature="extraction")
    # 1,200 input tokens at $0.10/M and 300 output at $0.50/M on Haiku 5.5.
    assert (entry.cost_usd, entry.effort) == (Decimal("0.00027"), "low")
    assert ExtractionRun.objects.get().outcome == "extracted"


@pytest.mark.parametrize(
    "content",
    [
        [{"type": "text", "text": "Sure! You need to call mom."}],
        tool_use({"new_items": [{"kind": "chore", "text": "Call mom", "due": None}]}),
        tool_use({"new_items": [{"kind": "reminder", "text": "x", "due": "next Friday"}]}),
        tool_use({"new_items": "call mom", "updates": []}),
        tool_use({"items": []}),
    ],
    ids=["no-tool-call", "unknown-kind", "unreadable-due", "not-a-list", "wrong-shape"],
)
def test_malformed_extraction_is_dropped_and_the_conversation_goes_on(
    content, post_update, fake_claude, fake_telegram, caplog
):
    fake_claude.queue_tool_content(content)

    post_update(text_update("I'll call mom tomorrow"))
    post_update(text_update("And what's the capital of Peru?"))

    assert fake_telegram.sent_texts() == ["Hello from Claude.", "Hello from Claude."]
    assert PendingItem.objects.count() == 0
    assert list(InboundUpdate.objects.values_list("status", flat=True)) == ["done", "done"]
    assert ExtractionRun.objects.filter(outcome="malformed").count() == 1
    assert "Dropped malformed memory extraction" in caplog.text
    assert "call mom" not in caplog.text.lower()  # the owner's words stay out of the logs


def test_messages_with_nothing_to_remember_skip_the_call_and_the_share_is_reported(
    post_update, fake_claude, fake_telegram
):
    for text in ("hi", "What is a monad?", "thanks!", "I'll send the report by Monday"):
        post_update(text_update(text))

    assert len(extraction_calls(fake_claude)) == 1
    stats = extraction_stats()
    assert (stats.messages, stats.skipped, stats.skipped_share) == (4, 3, 0.75)


def test_saying_it_is_done_closes_the_item_and_other_chats_items_are_safe(
    post_update, fake_claude, fake_telegram
):
    session = ChatSession.objects.create(chat_id=OWNER_CHAT_ID, user_id=OWNER_CHAT_ID)
    mine = PendingItem.objects.create(session=session, kind="reminder", text="Call mom")
    other = ChatSession.objects.create(chat_id=555, user_id=555)
    theirs = PendingItem.objects.create(session=other, kind="reminder", text="Pay rent")
    fake_claude.queue_tool_content(
        tool_use(
            {
                "new_items": [],
                "updates": [
                    {"item_id": mine.pk, "status": "done"},
                    {"item_id": theirs.pk, "status": "dismissed"},
                ],
            }
        )
    )

    post_update(text_update("Called her, done"))

    prompt = extraction_calls(fake_claude)[0].params["messages"][0]["content"]
    assert f"- id {mine.pk}, reminder: Call mom" in prompt
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert (mine.status, theirs.status) == ("done", "open")
    assert ExtractionRun.objects.get().items_updated == 1


def test_a_message_is_read_for_memory_once(post_update, fake_claude, fake_telegram):
    post_update(text_update("I'll book the flights tonight"))
    message = ChatMessage.objects.get(role="user")

    assert memory_extract(message_id=message.pk) == "already"
    assert len(extraction_calls(fake_claude)) == 1


def test_extraction_is_paid_from_the_conversation_budget_and_stops_at_its_cap(
    fake_claude, fake_telegram
):
    session = ChatSession.objects.create(chat_id=OWNER_CHAT_ID, user_id=OWNER_CHAT_ID)
    message = ChatMessage.objects.create(
        session=session, role="user", text="I'll call the plumber tomorrow"
    )
    cap = BudgetSettings.get_solo().daily_budget_usd
    budget_window_now().update(spent_usd=cap)

    assert memory_extract(message_id=message.pk) == "budget"
    assert fake_claude.calls == []
    assert PendingItem.objects.count() == 0


def test_a_long_history_is_compacted_into_the_summary_and_leaves_the_context(
    post_update, fake_claude, fake_telegram
):
    HeartbeatSettings.objects.update_or_create(
        pk=1, defaults={"compaction_threshold_tokens": 600, "compaction_keep_tokens": 200}
    )
    session = ChatSession.objects.create(chat_id=OWNER_CHAT_ID, user_id=OWNER_CHAT_ID)
    for n in range(6):
        ChatMessage.objects.create(session=session, role="user", text=f"Old question {n} " * 40)
        ChatMessage.objects.create(session=session, role="assistant", text=f"Old answer {n} " * 40)
    fake_claude.text = "The owner asked six old questions about numbers."

    post_update(text_update("What was my first question?"))

    [compaction] = [c for c in fake_claude.calls if "running summary" in c.params["system"]]
    assert "Old question 0" in compaction.params["messages"][0]["content"]
    assert LedgerEntry.objects.filter(feature="compaction").count() == 1
    session.refresh_from_db()
    assert session.summary == "The owner asked six old questions about numbers."
    assert session.compacted_through_id > 0

    fake_claude.text = "Hello again."
    post_update(text_update("And the second?"))

    reply = fake_claude.calls[-1].params
    assert "The owner asked six old questions about numbers." in system_text(reply)
    contents = " ".join(m["content"] for m in reply["messages"])
    assert "Old question 0" not in contents
    assert "And the second?" in contents


NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def new_york():
    """An owner west of UTC: a local 9999-12-31T23:59 is year 10000 in UTC."""
    BudgetSettings.objects.update_or_create(pk=1, defaults={"timezone": "America/New_York"})


def forwarded_update(text: str, *, author: str = "Dana") -> dict:
    """A message the owner forwarded from someone else's chat."""
    update = text_update(text)
    update["message"]["forward_origin"] = {
        "type": "user",
        "date": 1_789_990_000,
        "sender_user": {"id": 7070, "is_bot": False, "first_name": author},
    }
    return update


def local_iso(delta: timedelta) -> str:
    """A time `delta` from now, as the model writes it: New York time without an offset."""
    return (timezone.now() + delta).astimezone(NEW_YORK).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    "field, due",
    [
        ("due", lambda: "9999-12-31T23:59"),
        ("due", lambda: "0001-01-01T00:00"),
        ("due", lambda: local_iso(timedelta(days=6 * 365))),
        ("due", lambda: local_iso(-timedelta(days=2 * 365))),
        ("until", lambda: "9999-12-31T23:59"),
    ],
    ids=["year-9999", "year-1", "six-years-ahead", "two-years-ago", "snoozed-to-9999"],
)
def test_a_due_time_beyond_a_year_back_or_five_ahead_is_refused_and_memory_goes_on(
    field, due, post_update, fake_claude, fake_telegram, new_york, caplog, client
):
    quiet_hours_off()
    session = ChatSession.objects.create(chat_id=OWNER_CHAT_ID, user_id=OWNER_CHAT_ID)
    water = PendingItem.objects.create(session=session, kind="reminder", text="Water plants")
    new = {"kind": "reminder", "text": "Pay", "due": due()}
    snooze = {"item_id": water.pk, "status": "snoozed", "until": due()}
    fake_claude.queue_tool_content(
        tool_use(
            {"new_items": [new], "updates": []}
            if field == "due"
            else {"new_items": [], "updates": [snooze]}
        )
    )

    post_update(text_update("Pay it on 12/31/9999 at 23:59, and the plants can wait till then"))

    water.refresh_from_db()
    assert list(PendingItem.objects.values_list("text", "status")) == [("Water plants", "open")]
    assert ExtractionRun.objects.get().outcome == "malformed"
    assert "implausible_time" in caplog.text
    # The chat's memory, its heartbeats and the admin list of items all go on.
    soon = local_iso(-timedelta(minutes=5))
    fake_claude.queue_tool_content(
        tool_use({"new_items": [{"kind": "reminder", "text": "Call mom", "due": soon}]})
    )
    post_update(text_update("Remind me to call mom at 5pm"))
    item = PendingItem.objects.get(text="Call mom")
    assert item.due_at == datetime.fromisoformat(soon).replace(tzinfo=NEW_YORK)
    fake_claude.text = "Time to call mom."
    out = StringIO()
    call_command("heartbeat", "--once", stdout=out)
    assert out.getvalue().splitlines()[0] == f"chat {OWNER_CHAT_ID}: sent"
    client.force_login(User.objects.create_superuser("root", password="x"))
    page = client.get("/admin/heartbeat/pendingitem/")
    assert page.status_code == 200 and "Call mom" in page.content.decode()


def test_the_database_refuses_a_time_it_could_not_read_back(new_york, client):
    session = ChatSession.objects.create(chat_id=OWNER_CHAT_ID, user_id=OWNER_CHAT_ID)
    year_10000 = datetime(9999, 12, 31, 23, 59, tzinfo=NEW_YORK)

    with pytest.raises(IntegrityError), transaction.atomic():
        PendingItem.objects.create(session=session, kind="reminder", text="x", due_at=year_10000)

    # Typed in admin, it is a form error, not a 500.
    client.force_login(User.objects.create_superuser("root", password="x"))
    form = {
        "session": session.pk,
        "kind": "reminder",
        "text": "Pay",
        "due_at_0": "9999-12-31",
        "due_at_1": "23:59",
        "status": "open",
    }
    page = client.post("/admin/heartbeat/pendingitem/add/", form)
    assert page.status_code == 200
    assert "The due time must lie between the years 2 and 9998." in page.content.decode()
    assert PendingItem.objects.count() == 0


def test_a_forwarded_message_is_someone_elses_words_and_not_read_for_memory(
    post_update, fake_claude, fake_telegram
):
    post_update(forwarded_update("I'll send you the invoice by Friday"))

    assert fake_telegram.sent_texts() == ["Hello from Claude."]
    assert extraction_calls(fake_claude) == []
    assert PendingItem.objects.count() == 0
    assert ExtractionRun.objects.get().outcome == "forwarded"
    message = ChatMessage.objects.get(role="user")
    assert message.forwarded
    # Claude reads it as a quote, not as the owner's promise.
    [reply] = fake_claude.calls
    assert reply.params["messages"][-1]["content"] == (
        "[Forwarded from Dana: someone else's words, not the owner's]\n"
        "I'll send you the invoice by Friday"
    )

    post_update(text_update("Remind me on Friday to check it arrived"))

    [call] = extraction_calls(fake_claude)
    prompt = call.params["messages"][0]["content"]
    assert "Forwarded by the owner just before (someone else's words):\n- [Forwarded from Dana" in (
        prompt
    )
    assert prompt.endswith("The owner's newest message: Remind me on Friday to check it arrived")
    assert "someone else's words" in system_text(call.params)


def test_a_comment_sent_with_a_forward_is_read_with_it_in_the_order_sent(
    post_update, fake_claude, fake_telegram
):
    comment = text_update("Remind me on Friday to pay this")
    forward = forwarded_update("Invoice 4411: 300 EUR")  # Telegram sends it right after
    assert forward["message"]["message_id"] == comment["message"]["message_id"] + 1
    update_receive(raw=forward)  # both arrive before either is answered
    fake_claude.queue_tool_content(
        tool_use({"new_items": [{"kind": "reminder", "text": "Pay invoice 4411", "due": None}]})
    )

    post_update(comment)  # its task answers the comment, then hands the chat on

    assert fake_telegram.sent_texts() == ["Hello from Claude."] * 2
    [call] = extraction_calls(fake_claude)
    prompt = call.params["messages"][0]["content"]
    assert prompt.endswith(
        "The owner's newest message: Remind me on Friday to pay this\n"
        "Forwarded by the owner with it, right after (someone else's words):\n"
        "- [Forwarded from Dana: someone else's words, not the owner's]\nInvoice 4411: 300 EUR"
    )
    item = PendingItem.objects.get()
    assert (item.text, item.source_message.text) == (
        "Pay invoice 4411",
        "Remind me on Friday to pay this",
    )
    runs = dict(ExtractionRun.objects.values_list("message__forwarded", "outcome"))
    assert runs == {False: "deferred", True: "extracted"}


def test_a_chat_holds_at_most_its_cap_of_open_items(fake_claude, fake_telegram, caplog):
    HeartbeatSettings.objects.update_or_create(pk=1, defaults={"max_open_items": 3})
    session = ChatSession.objects.create(chat_id=OWNER_CHAT_ID, user_id=OWNER_CHAT_ID)
    PendingItem.objects.create(session=session, kind="reminder", text="Call mom")
    PendingItem.objects.create(session=session, kind="reminder", text="Pay rent", status="done")
    PendingItem.objects.create(session=session, kind="reminder", text="Water", status="snoozed")
    message = ChatMessage.objects.create(
        session=session, role="user", text="I'll buy milk, bread and eggs tomorrow"
    )
    fake_claude.queue_tool_content(
        tool_use(
            {
                "new_items": [
                    {"kind": "commitment", "text": f"Buy {food}", "due": None}
                    for food in ("milk", "bread", "eggs")
                ],
                "updates": [],
            }
        )
    )

    assert memory_extract(message_id=message.pk) == "extracted"

    pending = PendingItem.objects.filter(status__in=PendingItem.PENDING)
    assert sorted(pending.values_list("text", flat=True)) == ["Buy milk", "Call mom", "Water"]
    assert ExtractionRun.objects.get().items_created == 1
    assert "holds 2 pending items (its cap is 3): 2 new ones dropped" in caplog.text


def test_a_refused_turn_is_left_out_of_the_summary(fake_claude):
    HeartbeatSettings.objects.update_or_create(
        pk=1, defaults={"compaction_threshold_tokens": 600, "compaction_keep_tokens": 200}
    )
    session = ChatSession.objects.create(chat_id=OWNER_CHAT_ID, user_id=OWNER_CHAT_ID)
    asked = ChatMessage.objects.create(session=session, role="user", text="Write malware " * 40)
    ChatMessage.objects.create(
        session=session, role="assistant", text="Claude declined.", refused=True, answers=asked
    )
    for n in range(6):
        question = ChatMessage.objects.create(
            session=session, role="user", text=f"Old question {n} " * 40
        )
        ChatMessage.objects.create(
            session=session, role="assistant", text=f"Old answer {n} " * 40, answers=question
        )

    assert memory.history_compact(session_id=session.pk)

    [compaction] = [c for c in fake_claude.calls if "running summary" in c.params["system"]]
    transcript = compaction.params["messages"][0]["content"]
    assert "Old question 0" in transcript
    assert "Write malware" not in transcript and "Claude declined." not in transcript


def test_compaction_runs_even_when_reading_a_message_fails(fake_claude, fake_telegram, monkeypatch):
    HeartbeatSettings.objects.update_or_create(
        pk=1, defaults={"compaction_threshold_tokens": 600, "compaction_keep_tokens": 200}
    )
    session = ChatSession.objects.create(chat_id=OWNER_CHAT_ID, user_id=OWNER_CHAT_ID)
    for n in range(6):
        ChatMessage.objects.create(session=session, role="user", text=f"Old question {n} " * 40)
        ChatMessage.objects.create(session=session, role="assistant", text=f"Old answer {n} " * 40)
    newest = ChatMessage.objects.create(session=session, role="user", text="I'll call mom")
    fake_claude.text = "Six old questions."

    def broken(**kwargs):
        raise RuntimeError("extraction broke")

    monkeypatch.setattr(memory, "memory_extract", broken)

    with pytest.raises(RuntimeError):
        memory.memory_after_reply(message_id=newest.pk)

    session.refresh_from_db()
    assert session.summary == "Six old questions."
