"""The agent loop: one stored Telegram update in, at most one charged Claude call, a reply out."""

import logging
from dataclasses import dataclass
from datetime import datetime

import telegram
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from blufio import anthropic_client, telegram_client
from blufio.commands import command_reply, money
from blufio.context import prompt_token_bound, recent_messages, system_prompt
from blufio.models import ChatMessage, ChatSession, InboundUpdate
from costs.models import LedgerEntry
from costs.pricing import usage_cost, worst_case_cost
from costs.selectors import BudgetStatus
from costs.services import (
    BudgetExhausted,
    budget_release,
    budget_reserve,
    budget_settle,
    ledger_entry_create,
    price_rule_for,
)
from routing.models import RoutingSettings

logger = logging.getLogger(__name__)

NON_TEXT_REPLY = "I can only read text for now. Please type your message."
UNAVAILABLE_REPLY = "Claude is unavailable right now, so I couldn't answer. Please try again soon."
NOT_CONFIGURED_REPLY = (
    "I can't reach Claude: this server has no ANTHROPIC_API_KEY set. "
    "The owner needs to add it to the environment."
)
EMPTY_ANSWER_REPLY = "I have no answer to that."


@dataclass(frozen=True)
class Route:
    tier: str
    intended_tier: str
    model: str
    intended_model: str
    max_tokens: int
    reason: str = ""


def choose_route(text: str, session: ChatSession) -> Route:
    """The routing seam: which tier and model answer this message.

    Until the router lands every message goes to the sonnet tier, so the intended
    and actual model are the same.
    """
    routing = RoutingSettings.load()
    model = routing.model_for("sonnet")
    return Route(
        tier="sonnet",
        intended_tier="sonnet",
        model=model,
        intended_model=model,
        max_tokens=routing.max_tokens_for("sonnet"),
    )


def update_process(*, update_id: int) -> None:
    """Claim a received update, answer it, and record how that went.

    The claim is a conditional UPDATE, so a second worker (or a second delivery of
    the task) finds nothing to do and the owner is answered and charged once.
    """
    claimed = InboundUpdate.objects.filter(
        update_id=update_id, status=InboundUpdate.Status.RECEIVED
    ).update(status=InboundUpdate.Status.PROCESSING, attempts=F("attempts") + 1)
    if claimed != 1:
        logger.info("Update %s is not waiting to be processed; skipping", update_id)
        return
    inbound = InboundUpdate.objects.get(update_id=update_id)
    try:
        result = handle_message(telegram.Update.de_json(inbound.raw, None).message)
    except telegram_client.TelegramNotConfigured as exc:
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


def reply(session: ChatSession, text: str, *, telegram_message_id: int | None = None) -> str:
    ChatMessage.objects.create(
        session=session,
        role=ChatMessage.Role.USER,
        text=text,
        telegram_message_id=telegram_message_id,
    )
    ChatSession.objects.filter(pk=session.pk).update(last_message_at=timezone.now())
    route = choose_route(text, session)
    if not settings.ANTHROPIC_API_KEY:
        logger.error("Cannot answer chat %s: ANTHROPIC_API_KEY is not set", session.chat_id)
        telegram_client.send_text(session.chat_id, NOT_CONFIGURED_REPLY)
        return "not_configured"

    system = system_prompt(session)
    messages = recent_messages(session)
    rule = price_rule_for(model=route.model)
    worst_case = worst_case_cost(
        rule,
        prompt_tokens=prompt_token_bound(system, messages),
        max_output_tokens=route.max_tokens,
    )
    try:
        reservation = budget_reserve(amount=worst_case)
    except BudgetExhausted as exc:
        logger.info("Budget reached; not calling Claude for chat %s", session.chat_id)
        telegram_client.send_text(session.chat_id, budget_spent_text(exc.status))
        return "budget"

    telegram_client.send_typing(session.chat_id)
    try:
        completion = anthropic_client.complete(
            model=route.model, system=system, messages=messages, max_tokens=route.max_tokens
        )
    except anthropic_client.ClaudeError as exc:
        budget_release(reservation=reservation)
        ledger_entry_create(
            feature=LedgerEntry.Feature.MESSAGE,
            intended_model=route.intended_model,
            actual_model=route.model,
            session_id=session.pk,
            reason=route.reason,
            outcome=LedgerEntry.Outcome.ERROR,
            error=str(exc),
        )
        logger.warning("Claude call failed for chat %s: %s", session.chat_id, exc)
        telegram_client.send_text(session.chat_id, UNAVAILABLE_REPLY)
        return "claude_error"

    if completion.model != route.model:
        rule = price_rule_for(model=completion.model)
    cost = usage_cost(completion.usage, rule)
    with transaction.atomic():
        budget_settle(reservation=reservation, cost=cost)
        ledger_entry_create(
            feature=LedgerEntry.Feature.MESSAGE,
            intended_model=route.intended_model,
            actual_model=completion.model,
            usage=completion.usage,
            cost_usd=cost,
            session_id=session.pk,
            latency_ms=completion.latency_ms,
            reason=route.reason,
            request_id=completion.request_id,
        )
    answer = completion.text.strip() or EMPTY_ANSWER_REPLY
    sent_ids = telegram_client.send_markdown(session.chat_id, answer)
    ChatMessage.objects.create(
        session=session,
        role=ChatMessage.Role.ASSISTANT,
        text=answer,
        input_tokens=completion.usage.prompt_tokens,
        output_tokens=completion.usage.output_tokens,
        model=completion.model,
        telegram_message_id=sent_ids[0] if sent_ids else None,
    )
    return "replied"


def budget_spent_text(status: BudgetStatus, now: datetime | None = None) -> str:
    left = status.resets_at - (now or timezone.now())
    hours, minutes = divmod(max(0, int(left.total_seconds()) // 60), 60)
    return (
        f"Today's budget of {money(status.cap_usd)} is spent, so I won't call Claude "
        f"until it resets at {status.resets_at:%H:%M} {status.resets_at.tzname()} "
        f"(in {hours}h {minutes:02d}m)."
    )
