"""The agent loop: one stored Telegram update in, at most one charged Claude call, a reply out."""

import logging
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
from costs.selectors import BudgetStatus, budget_status
from costs.services import (
    BudgetExhausted,
    budget_alert_claim,
    budget_release,
    budget_reserve,
    budget_settle,
    ledger_entry_create,
    price_rule_for,
)
from routing.core import TIER_NAMES, Decision
from routing.models import RoutingSettings
from routing.services import route_message

logger = logging.getLogger(__name__)

NON_TEXT_REPLY = "I can only read text for now. Please type your message."
UNAVAILABLE_REPLY = "Claude is unavailable right now, so I couldn't answer. Please try again soon."
NOT_CONFIGURED_REPLY = (
    "I can't reach Claude: this server has no ANTHROPIC_API_KEY set. "
    "The owner needs to add it to the environment."
)
EMPTY_ANSWER_REPLY = "I have no answer to that."
ROUTING_CONTEXT_TURNS = 3


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
    decision = route_message(
        message=text, context=routing_context(session), budget_used=status.used_fraction
    )
    if decision.override == "prefix" and not decision.text:
        telegram_client.send_text(session.chat_id, bare_prefix_text(decision.tier))
        return "bare_prefix"
    ChatMessage.objects.create(
        session=session,
        role=ChatMessage.Role.USER,
        text=decision.text,
        telegram_message_id=telegram_message_id,
    )
    ChatSession.objects.filter(pk=session.pk).update(last_message_at=timezone.now())
    if not settings.ANTHROPIC_API_KEY:
        logger.error("Cannot answer chat %s: ANTHROPIC_API_KEY is not set", session.chat_id)
        telegram_client.send_text(session.chat_id, NOT_CONFIGURED_REPLY)
        return "not_configured"

    routing = RoutingSettings.load()
    max_tokens = routing.max_tokens_for(decision.tier)
    intended_model = routing.model_for(decision.intended_tier)
    ledger = {
        "feature": LedgerEntry.Feature.MESSAGE,
        "intended_model": intended_model,
        "session_id": session.pk,
        "reason": decision.downgrade_reason or "",
        "tier": decision.tier,
        "intended_tier": decision.intended_tier,
        "override": decision.override or "",
        "score": decision.score,
        "routing_reasons": decision.reasons,
    }
    system = system_prompt(session)
    messages = recent_messages(session)
    rule = price_rule_for(model=decision.model)
    worst_case = worst_case_cost(
        rule, prompt_tokens=prompt_token_bound(system, messages), max_output_tokens=max_tokens
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
            model=decision.model, system=system, messages=messages, max_tokens=max_tokens
        )
    except anthropic_client.ClaudeError as exc:
        budget_release(reservation=reservation)
        ledger_entry_create(
            **ledger, actual_model=decision.model, outcome=LedgerEntry.Outcome.ERROR, error=str(exc)
        )
        logger.warning("Claude call failed for chat %s: %s", session.chat_id, exc)
        telegram_client.send_text(session.chat_id, UNAVAILABLE_REPLY)
        return "claude_error"

    if completion.model != decision.model:
        rule = price_rule_for(model=completion.model)
    cost = usage_cost(completion.usage, rule)
    with transaction.atomic():
        budget_settle(reservation=reservation, cost=cost)
        ledger_entry_create(
            **ledger,
            actual_model=completion.model,
            usage=completion.usage,
            cost_usd=cost,
            latency_ms=completion.latency_ms,
            request_id=completion.request_id,
        )
    answer = completion.text.strip() or EMPTY_ANSWER_REPLY
    shown = f"{decision.notice}\n\n{answer}" if decision.notice else answer
    sent_ids = telegram_client.send_markdown(session.chat_id, shown)
    ChatMessage.objects.create(
        session=session,
        role=ChatMessage.Role.ASSISTANT,
        text=answer,
        input_tokens=completion.usage.prompt_tokens,
        output_tokens=completion.usage.output_tokens,
        model=completion.model,
        telegram_message_id=sent_ids[0] if sent_ids else None,
    )
    alert_if_threshold_crossed(session.chat_id, routing, decision)
    return "replied"


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
