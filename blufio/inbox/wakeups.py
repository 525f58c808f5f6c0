"""Per-chat wake-ups: one task on its way to a chat is enough.

A worker answers a chat's waiting updates in order, one per task, and hands the chat
on while any wait (see `worker.update_process`). So an update needs a task of its own
only when no task for its chat is already queued; a burst of fifty messages needs one
from the webhook, not fifty. A flag in
Redis says a task is queued: the webhook sets it (SET NX) after the update is
committed, and the worker that takes the chat clears it before it looks for waiting
updates. Whichever comes second, the update is seen. The flag expires on its own, so
a lost task cannot silence a chat for long (and the sweeper finds what waits).

Without Redis (the dev default) every update gets a task.
"""

import functools
import logging

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

WAKE_TTL_SECONDS = 30


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


def _redis() -> redis.Redis | None:
    return _client(settings.REDIS_URL) if settings.REDIS_URL else None


def _key(chat_id: int) -> str:
    return f"blufio:wake:{chat_id}"


def wake_claim(chat_id: int) -> bool:
    """Whether the caller must queue a task for the chat (none is queued yet).

    Raises `redis.RedisError` when Redis, which is also the broker, is unreachable.
    """
    client = _redis()
    if client is None:
        return True
    return bool(client.set(_key(chat_id), 1, nx=True, ex=WAKE_TTL_SECONDS))


def wake_clear(chat_id: int) -> None:
    """The chat's queued task has started (or was never queued): the next update needs one."""
    client = _redis()
    if client is None:
        return
    try:
        client.delete(_key(chat_id))
    except redis.RedisError as exc:
        logger.warning("Could not clear a wake-up flag (%s)", type(exc).__name__)
