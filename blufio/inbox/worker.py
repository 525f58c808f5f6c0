"""The per-chat worker loop: one worker at a time answers a chat, one waiting update per
task, in order, each claimed once; failures are recorded and retries planned.

The worker never queues tasks itself: it passes the updates to hand on to the task's
`hand_on` (`blufio.inbox.tasks`), which queues them. So tasks import this module, never
the reverse.
"""

import logging
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import telegram
from django.db import InterfaceError, OperationalError, connection
from django.db.models import F
from django.utils import timezone

from blufio.clients import telegram as telegram_client
from blufio.conversation import texts
from blufio.conversation.reach import chat_unreachable_mark
from blufio.conversation.reply import ClaudeUnavailable, update_answer
from blufio.inbox.wakeups import wake_clear
from blufio.models import InboundUpdate

logger = logging.getLogger(__name__)

RETRY_DELAYS = (60, 300)  # seconds before the second and third attempts


@dataclass(frozen=True)
class Handoff:
    """An update to hand to a worker in `delay` seconds: a planned retry, or the chat's
    next waiting update."""

    update_id: int
    delay: int = 0


def update_process(*, update_id: int, hand_on: Callable[[Handoff], None]) -> None:
    """Answer the oldest waiting update of an update's chat; `hand_on` queues what follows.

    One worker at a time answers a chat (a PostgreSQL advisory lock per chat), taking
    its waiting updates in `update_id` order; different chats run in parallel. A task
    answers one update and hands the chat on, so however long a chat's backlog, a task
    lasts one answer (within its time limit, see `blufio.settings`) and other chats'
    tasks run in between. The hand-on is decided after the lock is released: whatever
    arrived while this worker held the chat is seen. So a task that finds the chat
    busy simply ends (the worker holding it hands it on); it does not ask again. The
    task's own update may have been answered already: the chat's oldest waiting
    update is answered instead.

    The chat is handed on even when answering raises (the exception still ends the
    task), so the chat's next update does not wait for the sweeper. Only a `received`
    update is handed on, and its claim lets one worker through: nothing is answered twice.
    """
    inbound = InboundUpdate.objects.filter(update_id=update_id).first()
    if inbound is None or inbound.chat_id is None:
        logger.info("Update %s has no chat to answer; skipping", update_id)
        return
    handoffs: list[Handoff] = []
    held = False
    try:
        with chat_lock(inbound.chat_id) as held:
            if not held:
                logger.info("Chat of update %s is busy; its worker hands the chat on", update_id)
                return
            wake_clear(inbound.chat_id)  # before looking: an update stored later queues a task
            # This task's own update is due even if a retry was planned for it.
            next_id = _next_in_chat(inbound.chat_id, ready=update_id)
            if next_id is not None:
                handoffs = update_answer_once(next_id)
    finally:
        if held:
            # Again after the lock: a busy task that ended while this worker held the chat
            # left its flag set; an update stored after this clear queues its own task.
            wake_clear(inbound.chat_id)
            waiting = _next_in_chat(inbound.chat_id, ready=None)
            if waiting is not None:
                handoffs.append(Handoff(waiting))
            for handoff in handoffs:
                hand_on(handoff)


def _next_in_chat(chat_id: int, *, ready: int | None) -> int | None:
    """The oldest waiting update of the chat, if it is due (a planned retry holds the line)."""
    first = (
        InboundUpdate.objects.filter(chat_id=chat_id, status=InboundUpdate.Status.RECEIVED)
        .order_by("update_id")
        .first()
    )
    if first is None:
        return None
    planned = first.next_attempt_at and first.next_attempt_at > timezone.now()
    if planned and first.update_id != ready:
        return None
    return first.update_id


@contextmanager
def chat_lock(chat_id: int):
    """Whether this worker may answer the chat now (always, on SQLite: one dev worker)."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [chat_id])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [chat_id])


def update_answer_once(update_id: int) -> list[Handoff]:
    """Claim one update and answer it; the claim is a conditional UPDATE, so it runs once.

    The claim is stamped (`claimed_at`): the sweeper measures "stuck" from it.
    """
    now = timezone.now()
    claimed = InboundUpdate.objects.filter(
        update_id=update_id, status=InboundUpdate.Status.RECEIVED
    ).update(
        status=InboundUpdate.Status.PROCESSING,
        attempts=F("attempts") + 1,
        claimed_at=now,
        updated_at=now,
    )
    if claimed != 1:
        return []
    inbound = InboundUpdate.objects.get(update_id=update_id)
    try:
        result = update_answer(telegram.Update.de_json(inbound.raw, None))
    except ClaudeUnavailable:
        return update_retry(
            inbound,
            reason="claude_unavailable",
            first_notice=texts.UNAVAILABLE_REPLY,
            gave_up=texts.GAVE_UP_REPLY,
        )
    except telegram_client.TelegramError as exc:
        if not exc.permanent:
            logger.warning("Telegram failed for update %s (%s); retrying later", update_id, exc)
            return update_retry(inbound, reason="telegram_unavailable")
        update_refused(inbound, exc)
        return []
    except (OperationalError, InterfaceError) as exc:
        # The database went away or was locked for a moment: the update is still owed an
        # answer, and a reply already kept is sent again, not paid again. (If the
        # database is still gone, the update stays claimed and the sweeper retries it.)
        logger.warning("Database error on update %s (%s); retrying later", update_id, exc)
        return update_retry(inbound, reason="database_unavailable", gave_up=texts.ERROR_REPLY)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        _update_set(inbound, status=InboundUpdate.Status.FAILED, last_error=error)
        _owner_tell(inbound, texts.ERROR_REPLY)  # never silence: they can send it again
        raise
    _update_set(inbound, status=InboundUpdate.Status.DONE, result=result)
    return []


def update_refused(inbound: InboundUpdate, exc: telegram_client.TelegramError) -> None:
    """Telegram refused for good (a 403, a permanent 400): the update ends with the reason,
    not retried. A 403 or "chat not found" also marks the chat unreachable (see `reach`)."""
    logger.error("Cannot answer update %s: %s", inbound.update_id, exc)
    if isinstance(exc, telegram_client.ChatUnreachable):
        chat_unreachable_mark(chat_id=inbound.chat_id, reason=str(exc))
        result = "chat_unreachable"
    elif isinstance(exc, telegram_client.TelegramNotConfigured):
        result = "not_configured"
    else:
        result = "telegram_refused"
    _update_set(inbound, status=InboundUpdate.Status.FAILED, result=result, last_error=str(exc))


def _update_set(inbound: InboundUpdate, **fields) -> None:
    InboundUpdate.objects.filter(pk=inbound.pk).update(**fields, updated_at=timezone.now())


def update_retry(
    inbound: InboundUpdate,
    *,
    reason: str,
    first_notice: str | None = None,
    gave_up: str | None = None,
) -> list[Handoff]:
    """Plan another attempt, a bounded number of times, telling the owner `first_notice`
    after the first failure and `gave_up` when the attempts are used up (none: the owner
    is not told). Returns the retry to queue (none once the attempts are used up).

    A reply already paid for is kept (`ChatMessage.answers`), so a retry after
    Telegram failed sends it without calling Claude again.
    """
    if inbound.attempts > len(RETRY_DELAYS):
        _update_set(inbound, status=InboundUpdate.Status.FAILED, result=reason)
        if gave_up:
            _owner_tell(inbound, gave_up)
        return []
    delay = RETRY_DELAYS[inbound.attempts - 1]
    _update_set(
        inbound,
        status=InboundUpdate.Status.RECEIVED,
        result="retrying",
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    if first_notice and inbound.attempts == 1:
        _owner_tell(inbound, first_notice)
    return [Handoff(inbound.update_id, delay)]


def _owner_tell(inbound: InboundUpdate, text: str) -> None:
    """Tell the chat what became of its message, if it has a chat and Telegram takes it."""
    if inbound.chat_id is None:
        return
    try:
        telegram_client.send_text(inbound.chat_id, text)
    except telegram_client.TelegramError as exc:
        logger.warning(
            "Could not tell chat %s about update %s: %s", inbound.chat_id, inbound.update_id, exc
        )
