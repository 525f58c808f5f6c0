"""Answering with the local model, so Blufio never goes silent: when every Claude tier of
the chain failed, or when the day's budget is spent and the owner enabled "answer locally
when the budget is spent". The answer costs nothing and is recorded in the ledger at $0
with reason `local`."""

import logging

from django.conf import settings
from django.db import transaction

from blufio.clients import local as local_client
from blufio.conversation import texts
from blufio.conversation.calls import decision_ledger
from blufio.models import ChatMessage, ChatSession
from costs.models import BudgetSettings, LedgerEntry
from costs.services import ledger_entry_create
from routing.core import Decision
from routing.models import RoutingSettings
from routing.tiers import LOCAL

logger = logging.getLogger(__name__)


def local_allowed_when_spent() -> bool:
    """Whether a message past the budget is answered locally (the owner's choice)."""
    return local_client.local_configured() and BudgetSettings.get_solo().local_when_spent


def local_answer(
    session: ChatSession,
    user_message: ChatMessage,
    decision: Decision,
    *,
    system: str,
    messages: list[dict],
    routing: RoutingSettings,
) -> ChatMessage | None:
    """The local model's answer, kept and in the ledger at $0; None when it is not
    configured or did not answer (the failure is logged, the caller says what it would
    have said without it)."""
    if not local_client.local_configured():
        return None
    ledger = {**decision_ledger(session, decision, routing=routing), "reason": LOCAL}
    try:
        answer = local_client.local_complete(system=system, messages=messages)
    except local_client.LocalModelError as exc:
        logger.warning("The local model did not answer chat %s: %s", session.chat_id, exc)
        ledger_entry_create(
            **ledger,
            actual_model=settings.LOCAL_MODEL_NAME,
            outcome=LedgerEntry.Outcome.ERROR,
            error=str(exc),
        )
        return None
    with transaction.atomic():
        ledger_entry_create(
            **ledger, actual_model=answer.model, usage=answer.usage, latency_ms=answer.latency_ms
        )
        return ChatMessage.objects.create(
            session=session,
            role=ChatMessage.Role.ASSISTANT,
            text=answer.text.strip() or texts.EMPTY_ANSWER_REPLY,
            input_tokens=answer.usage.input_tokens,
            output_tokens=answer.usage.output_tokens,
            model=answer.model,
            answers=user_message,
        )
