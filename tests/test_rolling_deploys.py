"""During a deploy the previous release's code still runs against the migrated database:
its writes succeed, and what its workers left half done is picked up."""

import datetime
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from blufio.inbox.tasks import updates_sweep_task
from blufio.models import ChatMessage, ChatSession, InboundUpdate
from costs.models import LedgerDay, LedgerEntry
from heartbeat.models import HeartbeatSettings
from tests.conftest import text_update

pytestmark = pytest.mark.django_db

# Columns this release added that the previous one's INSERTs leave out.
ADDED = {
    ChatSession: {"private", "unreachable_since", "unreachable_reason"},
    ChatMessage: {
        "forwarded",
        "refused",
        "attachment_kind",
        "attachment_file_id",
        "tier",
        "stop_reason",
        "continues",
        "ledger_entry",
        "retry_of",
    },
    LedgerEntry: {
        "cache_write_1h_tokens",
        "inference_geo",
        "speed",
        "effort",
        "attachment_kind",
        "retry_of",
    },
    LedgerDay: {"cache_write_1h_tokens", "inference_geo", "speed"},
    HeartbeatSettings: {"max_open_items"},
}


def insert_as_the_previous_release(model, **values) -> int:
    """INSERT a row as the previous release's code does: every column it knew, with its
    defaults, none that this release added. Returns the new row's id."""
    fields = [
        field
        for field in model._meta.concrete_fields
        if field.name not in ADDED[model] and (not field.primary_key or field.name in values)
    ]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    params = [
        field.get_db_prep_save(values.get(field.name, field.get_default()), connection)
        for field in fields
    ]
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({placeholders}) RETURNING id",
            params,
        )
        return cursor.fetchone()[0]


def test_the_previous_releases_inserts_succeed_and_read_back_with_the_new_defaults():
    now = timezone.now()
    session_id = insert_as_the_previous_release(
        ChatSession, chat_id=1001, user_id=1001, created_at=now
    )
    message_id = insert_as_the_previous_release(
        ChatMessage, session=session_id, role="user", text="hi", created_at=now
    )
    entry_id = insert_as_the_previous_release(
        LedgerEntry, feature="message", intended_model="m", actual_model="m", created_at=now
    )
    day_id = insert_as_the_previous_release(
        LedgerDay, day=datetime.date(2026, 12, 2), actual_model="m", feature="message"
    )
    HeartbeatSettings.objects.all().delete()
    insert_as_the_previous_release(HeartbeatSettings, id=1)

    session = ChatSession.objects.get(pk=session_id)
    assert (session.private, session.unreachable_reason) == (True, "")
    message = ChatMessage.objects.get(pk=message_id)
    assert (message.forwarded, message.refused, message.attachment_kind) == (False, False, "")
    entry = LedgerEntry.objects.get(pk=entry_id)
    for row in (entry, LedgerDay.objects.get(pk=day_id)):
        assert (row.cache_write_1h_tokens, row.inference_geo, row.speed) == (0, "", "")
    assert (entry.effort, entry.attachment_kind) == ("", "")
    assert HeartbeatSettings.get_solo().max_open_items == 200


def claimed_by_the_previous_release(text: str, *, minutes_ago: int) -> None:
    """An update its worker took `minutes_ago` without stamping `claimed_at`, and left."""
    update = text_update(text)
    then = timezone.now() - timedelta(minutes=minutes_ago)
    InboundUpdate.objects.create(
        update_id=update["update_id"], raw=update, chat_id=1001, status="processing", attempts=1
    )
    InboundUpdate.objects.filter(update_id=update["update_id"]).update(
        received_at=then, updated_at=then
    )


def test_an_update_the_previous_release_claimed_and_left_is_answered(fake_claude, fake_telegram):
    claimed_by_the_previous_release("Answer me", minutes_ago=10)

    assert updates_sweep_task() == 1

    inbound = InboundUpdate.objects.get()
    assert (inbound.status, inbound.attempts) == ("done", 2)
    assert fake_telegram.sent_texts() == ["Hello from Claude."]


def test_an_update_the_previous_release_claimed_a_moment_ago_is_left_to_it():
    claimed_by_the_previous_release("Answer me", minutes_ago=1)

    assert updates_sweep_task() == 0

    assert InboundUpdate.objects.get().status == "processing"
