"""Memory after a reply: pending items from the owner's words, and compaction of long
histories. Real SDKs against the loopback fakes, on PostgreSQL."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from blufio.models import ChatMessage, ChatSession, InboundUpdate
from costs.models import BudgetSettings, LedgerEntry
from heartbeat.memory import EXTRACTION_TOOL_NAME, memory_extract
from heartbeat.models import ExtractionRun, HeartbeatSettings, PendingItem
from heartbeat.selectors import extraction_stats
from tests.conftest import OWNER_CHAT_ID, text_update
from tests.helpers import budget_window_now

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def tool_use(data) -> list[dict]:
    return [{"type": "tool_use", "id": "toolu_1", "name": EXTRACTION_TOOL_NAME, "input": data}]


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
    assert call.params["tool_choice"] == {"type": "tool", "name": EXTRACTION_TOOL_NAME}
    prompt = call.params["messages"][0]["content"]
    assert "(Europe/Paris)" in prompt and "Remind me Friday at 5 to call mom" in prompt
    item = PendingItem.objects.get()
    assert (item.kind, item.text, item.status) == ("reminder", "Call mom", "open")
    assert item.due_at == datetime(2026, 11, 27, 17, 0, tzinfo=PARIS)
    assert item.source_message.text == "Remind me Friday at 5 to call mom"
    entry = LedgerEntry.objects.get(feature="extraction")
    # 1,200 input tokens at $0.10/M and 300 output at $0.50/M on Haiku 5.5.
    assert entry.cost_usd == Decimal("0.00027")
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
    assert "The owner asked six old questions about numbers." in reply["system"]
    contents = " ".join(m["content"] for m in reply["messages"])
    assert "Old question 0" not in contents
    assert "And the second?" in contents
