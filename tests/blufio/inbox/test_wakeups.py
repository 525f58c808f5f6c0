"""One task per chat on its way: a burst queues one, and nothing waits unseen."""

from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from blufio.celery import app as celery_app
from blufio.inbox.tasks import updates_sweep_task
from blufio.models import InboundUpdate
from tests.conftest import text_update
from tests.helpers import post, wait_until_settled

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def queued_tasks() -> int:
    return redis.Redis.from_url(settings.REDIS_URL).llen("celery")


def asked(fake_claude) -> list[str]:
    return [call.params["messages"][-1]["content"] for call in fake_claude.calls]


def test_a_burst_in_one_chat_queues_one_task_and_is_answered_in_order(
    start_worker, fake_claude, fake_telegram
):
    celery_app.conf.task_always_eager = False  # no worker yet: tasks stay in Redis
    for n in range(10):
        assert post(text_update(f"burst {n}")) == 200
    assert queued_tasks() == 1

    start_worker()
    wait_until_settled(10)
    assert asked(fake_claude) == [f"burst {n}" for n in range(10)]
    assert len(fake_telegram.sent_texts()) == 10

    assert post(text_update("after the burst")) == 200  # the worker cleared the flag
    wait_until_settled(11)
    assert asked(fake_claude)[-1] == "after the burst"


def test_updates_behind_a_lost_task_are_found_by_the_sweeper(
    start_worker, fake_claude, fake_telegram
):
    celery_app.conf.task_always_eager = False
    assert post(text_update("first")) == 200
    redis.Redis.from_url(settings.REDIS_URL).delete("celery")  # the task is lost
    assert post(text_update("second")) == 200
    assert queued_tasks() == 0  # the flag says a task is on its way

    start_worker()
    InboundUpdate.objects.update(received_at=timezone.now() - timedelta(minutes=2))
    assert updates_sweep_task() == 2
    wait_until_settled(2)
    assert asked(fake_claude) == ["first", "second"]
    assert len(fake_telegram.sent_texts()) == 2
