"""Migrations that repair stored data, run against PostgreSQL from the state before them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from blufio.models import ChatSession
from heartbeat.models import PendingItem

BEFORE = [("heartbeat", "0002_schedules")]
AFTER = [("heartbeat", "0004_readable_times_constraints")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_a_stored_year_10000_time_is_cleared_so_the_item_can_be_read_again():
    session = ChatSession.objects.create(chat_id=1001, user_id=1001)
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO heartbeat_pendingitem (session_id, kind, text, due_at, status, "
                "snoozed_until, created_at, updated_at) VALUES (%s, 'reminder', 'Pay', "
                "'10000-01-01 04:59+00', 'snoozed', '10000-01-01 04:59+00', now(), now())",
                [session.pk],
            )
    finally:
        migrate(AFTER)

    item = PendingItem.objects.get()
    assert (item.text, item.due_at, item.snoozed_until, item.status) == ("Pay", None, None, "open")
