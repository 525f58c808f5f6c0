"""The agent loop: one stored Telegram update in, at most one charged Claude call, a reply out."""

import logging
from contextlib import contextmanager
from datetime import datetime, timedelta

import telegram
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from blufio import anthropic_client, telegram_client
from blufio.calls import paid_call
from blufio.commands import command_reply, money
from blufio.context import ContextNote, recent_messages, system_prompt
from blufio.models import ChatMessage, ChatSession, InboundUpdate
from blufio.signals import button_pressed, context_notes_requested, reply_sent
from blufio.wakeups import wake_clear
from costs.models import BudgetWindow, LedgerEntry
from costs.selectors import BudgetStatus, budget_status
from costs.services import BudgetExhausted, budget_alert_claim
from routing.core import TIER_NAMES, Decision
from routing.models import RoutingSettings
from routing.services import route_message

logger = logging.getLogger(__name__)

NON_TEXT_REPLY = "I can only read text for now. Please type your message."
UNAVAILABLE_REPLY = "Claude is unavailable right now. I will retry your message in a minute."
GAVE_UP_REPLY = "I still couldn't reach Claude, so I gave up on that message. Please send it again."
RETRY_DELAYS = (60, 300)  # seconds before the second and third attempts
CHAT_BUSY_RETRY_SECONDS = 2


class ClaudeUnavailable(Exception):
    """Every model in the fallback chain failed."""


NOT_CONFIGURED_REPLY = (
    "I can't reach Claude: this server has no ANTHROPIC_API_KEY set. "
    "The owner needs to add it to the environment."
)
EMPTY_ANSWER_REPLY = "I have no answer to that."
ROUTING_CONTEXT_TURNS = 3


def update_process(*, update_id: int) -> None:
    """Answer the waiting updates of an update's chat, in order.

    One worker at a time answers a chat (a PostgreSQL advisory lock per chat), taking
    its waiting updates in `update_id` order; different chats run in parallel. A
    worker that finds the chat busy re-queues the task for a moment later. The task's
    own update may have been answered already by the worker that held the chat: the
    rest of the chat still is looked at, since the webhook queues one task per chat
    at a time (see `wakeups`). A burst of messages is answered one by one, each with
    its own reply.
    """
    inbound = InboundUpdate.objects.filter(update_id=update_id).first()
    if inbound is None or inbound.chat_id is None:
        logger.info("Update %s has no chat to answer; skipping", update_id)
        return
    with chat_lock(inbound.chat_id) as held:
        if not held:
            from blufio.tasks import process_update  # here: tasks imports this module

            process_update.apply_async((update_id,), countdown=CHAT_BUSY_RETRY_SECONDS)
            return
        wake_clear(inbound.chat_id)  # before looking: an update stored after this queues a task
        ready = update_id  # this task's own update is due even if a retry was planned
        while (next_id := _next_in_chat(inbound.chat_id, ready=ready)) is not None:
            _process_one(next_id)
            ready = None


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


def _process_one(update_id: int) -> None:
    """Claim one update and answer it; the claim is a conditional UPDATE, so it runs once."""
    claimed = InboundUpdate.objects.filter(
        update_id=update_id, status=InboundUpdate.Status.RECEIVED
    ).update(status=InboundUpdate.Status.PROCESSING, attempts=F("attempts") + 1)
    if claimed != 1:
        return
    inbound = InboundUpdate.objects.get(update_id=update_id)
    try:
        result = handle_update(telegram.Update.de_json(inbound.raw, None))
    except ClaudeUnavailable:
        retry_later(inbound, reason="claude_unavailable", tell_owner=True)
        return
    except telegram_client.TelegramError as exc:
        if not exc.permanent:
            logger.warning("Telegram failed for update %s (%s); retrying later", update_id, exc)
            retry_later(inbound, reason="telegram_unavailable", tell_owner=False)
            return
        logger.error("Cannot answer update %s: %s", update_id, exc)
        InboundUpdate.objects.filter(pk=inbound.pk).update(
            status=InboundUpdate.Status.FAILED, last_error=str(exc)
        )
        return
    except Exception as exc:
        InboundUpdate.objects.filter(pk=inbound.pk).update(
            status=InboundUpdate.Status.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    InboundUpdate.objects.filter(pk=inbound.pk).update(
        status=InboundUpdate.Status.DONE, result=result
    )


def retry_later(inbound: InboundUpdate, *, reason: str, tell_owner: bool) -> None:
    """Try again later, a bounded number of times; when Claude is down, tell the owner once.

    A reply already paid for is kept (`ChatMessage.answers`), so a retry after
    Telegram failed sends it without calling Claude again.
    """
    chat_id = inbound.chat_id
    if inbound.attempts > len(RETRY_DELAYS):
        InboundUpdate.objects.filter(pk=inbound.pk).update(
            status=InboundUpdate.Status.FAILED, result=reason
        )
        if tell_owner:
            telegram_client.send_text(chat_id, GAVE_UP_REPLY)
        return
    delay = RETRY_DELAYS[inbound.attempts - 1]
    InboundUpdate.objects.filter(pk=inbound.pk).update(
        status=InboundUpdate.Status.RECEIVED,
        result="retrying",
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    if tell_owner and inbound.attempts == 1:
        telegram_client.send_text(chat_id, UNAVAILABLE_REPLY)
    from blufio.tasks import process_update  # here: tasks imports this module

    process_update.apply_async((inbound.update_id,), countdown=delay)


def handle_update(update: telegram.Update) -> str:
    if update.callback_query is not None:
        return handle_button(update.callback_query)
    return handle_message(update.message)


EXPIRED_BUTTON_TEXT = "That button no longer does anything."


def handle_button(query: telegram.CallbackQuery) -> str:
    """The owner pressed a button under one of our messages: the app that owns it acts."""
    responses = button_pressed.send_robust(
        sender=ChatSession,
        chat_id=query.message.chat.id,
        message_id=query.message.message_id,
        data=query.data or "",
    )
    answers = [r for _, r in responses if isinstance(r, str)]
    for _, error in responses:
        if isinstance(error, Exception):
            logger.error("A button handler failed: %r", error)
    telegram_client.answer_button(query.id, answers[0] if answers else EXPIRED_BUTTON_TEXT)
    return "button" if answers else "button_unknown"


def context_notes(session: ChatSession) -> list[ContextNote]:
    """Notes other apps want in this reply; a failing app costs its notes, not the reply."""
    notes = []
    for _, found in context_notes_requested.send_robust(sender=ChatSession, session=session):
        if isinstance(found, Exception):
            logger.error("Could not collect context notes: %r", found)
        else:
            notes.extend(found or [])
    return notes


def handle_message(message: telegram.Message) -> str:
    """Answer one message from the owner; returns what happened, for the update's record."""
    chat_id = message.chat.id
    if not message.text:
        telegram_client.send_text(chat_id, NON_TEXT_REPLY)
        return "non_text"
    answer = command_reply(message.text)
    if answer is not None:
        telegram_client.send_text(chat_id, answer)
        return "command"
    session, _ = ChatSession.objects.get_or_create(
        chat_id=chat_id, defaults={"user_id": message.from_user.id}
    )
    return reply(session, message.text, telegram_message_id=message.message_id)


def bare_prefix_text(tier: str) -> str:
    return (
        f"Add your message after /{tier}, for example: /{tier} compare these two offers. "
        f"That sends it to {TIER_NAMES[tier]} whatever it is; without a prefix I pick "
        "the cheapest model that can answer well."
    )


def routing_context(session: ChatSession) -> list[dict]:
    """The last few turns, oldest first, as the router reads them."""
    latest = ChatMessage.objects.filter(session=session).order_by("-created_at", "-id")
    return [{"role": m.role, "content": m.text} for m in reversed(latest[:ROUTING_CONTEXT_TURNS])]


def reply(session: ChatSession, text: str, *, telegram_message_id: int | None = None) -> str:
    """Route the owner's message, pay for one Claude call within budget, and answer."""
    status = budget_status()
    routing = RoutingSettings.load()
    decision = route_message(
        message=text,
        context=routing_context(session),
        budget_used=status.used_fraction,
        settings=routing,
    )
    if decision.override == "prefix" and not decision.text:
        telegram_client.send_text(session.chat_id, bare_prefix_text(decision.tier))
        return "bare_prefix"
    # get_or_create: a retried update must not store the owner's message twice.
    user_message, first_time = ChatMessage.objects.get_or_create(
        session=session,
        role=ChatMessage.Role.USER,
        telegram_message_id=telegram_message_id,
        defaults={"text": decision.text},
    )
    ChatSession.objects.filter(pk=session.pk).update(last_message_at=timezone.now())
    earlier = None if first_time else ChatMessage.objects.filter(answers=user_message).first()
    if earlier is not None:  # paid for on an earlier attempt
        if earlier.telegram_message_id is None:
            reply_deliver(session, earlier, shown=earlier.text)
            announce_reply(session, user_message, earlier, notes=[])
        return "replied"
    if not settings.ANTHROPIC_API_KEY:
        logger.error("Cannot answer chat %s: ANTHROPIC_API_KEY is not set", session.chat_id)
        telegram_client.send_text(session.chat_id, NOT_CONFIGURED_REPLY)
        return "not_configured"

    ledger = {
        "feature": LedgerEntry.Feature.MESSAGE,
        "intended_model": routing.model_for(decision.intended_tier),
        "session_id": session.pk,
        "intended_tier": decision.intended_tier,
        "override": decision.override or "",
        "score": decision.score,
        "routing_reasons": decision.reasons,
    }
    notes = context_notes(session)
    system = system_prompt(session, notes)
    messages = recent_messages(session)
    notice = decision.notice
    kept: list[ChatMessage] = []  # the paid answer, stored as it is settled

    def keep(paid: anthropic_client.Completion) -> None:
        kept.append(
            ChatMessage.objects.create(
                session=session,
                role=ChatMessage.Role.ASSISTANT,
                text=paid.text.strip() or EMPTY_ANSWER_REPLY,
                input_tokens=paid.usage.prompt_tokens,
                output_tokens=paid.usage.output_tokens,
                model=paid.model,
                answers=user_message,
            )
        )

    telegram_client.send_typing(session.chat_id)
    for tier in [decision.tier, *routing.fallbacks_for(decision.tier)]:
        fallback = tier != decision.tier
        try:
            paid_call(
                pool=BudgetWindow.Pool.CONVERSATION,
                model=routing.model_for(tier),
                system=system,
                messages=messages,
                max_tokens=routing.max_tokens_for(tier),
                ledger={
                    **ledger,
                    "tier": tier,
                    "reason": "fallback" if fallback else decision.downgrade_reason or "",
                },
                keep=keep,
            )
        except BudgetExhausted as exc:
            logger.info("Budget reached; not calling Claude for chat %s", session.chat_id)
            telegram_client.send_text(session.chat_id, budget_spent_text(exc.status))
            return "budget"
        except anthropic_client.ClaudeError as exc:
            if exc.permanent:
                break
            continue
        if fallback:
            notice = f"({TIER_NAMES[tier]} answered — {TIER_NAMES[decision.tier]} is unavailable)"
        break
    if not kept:
        raise ClaudeUnavailable()

    [assistant_message] = kept
    answer = assistant_message.text
    reply_deliver(session, assistant_message, shown=f"{notice}\n\n{answer}" if notice else answer)
    announce_reply(session, user_message, assistant_message, notes=notes)
    alert_if_threshold_crossed(session.chat_id, routing, decision)
    return "replied"


def announce_reply(
    session: ChatSession, user_message: ChatMessage, reply: ChatMessage, *, notes: list
) -> None:
    """Tell other apps (memory) that a reply reached the owner; their failures are logged."""
    for _, error in reply_sent.send_robust(
        sender=ChatSession,
        session=session,
        user_message=user_message,
        assistant_message=reply,
        notes=notes,
    ):
        if isinstance(error, Exception):
            logger.error("A reply_sent receiver failed: %r", error)


def reply_deliver(session: ChatSession, reply: ChatMessage, *, shown: str) -> None:
    """Send a kept reply and record its Telegram message id."""
    sent_ids = telegram_client.send_markdown(session.chat_id, shown)
    ChatMessage.objects.filter(pk=reply.pk).update(
        telegram_message_id=sent_ids[0] if sent_ids else None
    )
    reply.telegram_message_id = sent_ids[0] if sent_ids else None


def alert_if_threshold_crossed(chat_id: int, routing: RoutingSettings, decision: Decision) -> None:
    """Tell the owner, once a day per threshold, that spend passed a downgrade threshold."""
    status = budget_status()
    used = status.used_fraction
    crossed = [t for t in (routing.downgrade_at, routing.haiku_only_at) if used >= t]
    if not crossed or not budget_alert_claim(share=crossed[-1]):
        return
    effect = (
        "every reply now uses Haiku"
        if crossed[-1] == routing.haiku_only_at
        else "replies now use one tier cheaper"
    )
    telegram_client.send_text(
        chat_id,
        f"⚠️ Budget alert: today's spend passed {int(crossed[-1] * 100)}% "
        f"({money(status.spent_usd)} of {money(status.cap_usd)}); {effect} "
        f"until {status.resets_at:%H:%M} {status.resets_at.tzname()}. "
        "A /opus or /sonnet prefix still works until the cap.",
    )


def budget_spent_text(status: BudgetStatus, now: datetime | None = None) -> str:
    left = status.resets_at - (now or timezone.now())
    hours, minutes = divmod(max(0, int(left.total_seconds()) // 60), 60)
    return (
        f"Today's budget of {money(status.cap_usd)} is spent, so I won't call Claude "
        f"until it resets at {status.resets_at:%H:%M} {status.resets_at.tzname()} "
        f"(in {hours}h {minutes:02d}m)."
    )
