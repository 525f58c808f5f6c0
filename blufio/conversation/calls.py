"""One paid Claude call: the worst case held against a budget, the call, the real cost
settled and written to the ledger. Replies, extraction, compaction and heartbeats all
go through here."""

import logging
from collections.abc import Callable

from django.db import transaction

from blufio.clients import anthropic as claude_client
from costs.models import LedgerEntry, Reservation
from costs.pricing import prompt_token_bound, usage_cost, worst_case_cost
from costs.selectors import price_rule_for
from costs.services import budget_release, budget_reserve, budget_settle, ledger_entry_create

logger = logging.getLogger(__name__)

Keep = Callable[[claude_client.Completion], object]


def call_pay(
    *,
    pool: str,
    model: str,
    system: str,
    messages: list[dict],
    max_tokens: int,
    ledger: dict,
    tools: list[dict] | None = None,
    tool_choice: dict | None = None,
    keep: Keep | None = None,
) -> claude_client.Completion:
    """Reserve the call's worst case against `pool`, call Claude once, settle and record it.

    `ledger` holds the ledger row's fields besides usage and cost (feature, session_id,
    intended_model, …). `keep` stores the answer in the same transaction as the
    settlement, so what was paid for cannot be lost by a crash after it. Raises
    `costs.services.BudgetExhausted` (nothing was called) or
    `claude_client.ClaudeError` (the failure is in the ledger, the hold released).
    """
    request = {"model": model, "system": system, "messages": messages, "max_tokens": max_tokens}
    reservation = call_hold(pool=pool, ledger=ledger, tools=tools, **request)
    try:
        completion = claude_client.complete(**request, tools=tools, tool_choice=tool_choice)
    except claude_client.ClaudeError as exc:
        call_fail(reservation, model=model, ledger=ledger, error=exc)
        raise
    call_settle(reservation, completion, ledger=ledger, keep=keep)
    return completion


def call_hold(
    *,
    pool: str,
    ledger: dict,
    model: str,
    system: str,
    messages: list[dict],
    max_tokens: int,
    tools: list[dict] | None,
) -> Reservation:
    """Hold the call's worst case; the ledger fields go with the hold, for a worker that
    stops mid-call."""
    prompt_bound = prompt_token_bound(system, messages, tools)
    rule = price_rule_for(model=model)
    worst = worst_case_cost(rule, prompt_tokens=prompt_bound, max_output_tokens=max_tokens)
    return budget_reserve(amount=worst, pool=pool, call={**ledger, "actual_model": model})


def call_fail(reservation: Reservation, *, model: str, ledger: dict, error: Exception) -> None:
    """Release the hold of a failed call and record the failure."""
    budget_release(reservation=reservation)
    ledger_entry_create(
        **ledger, actual_model=model, outcome=LedgerEntry.Outcome.ERROR, error=str(error)
    )
    logger.warning("Claude %s failed for %s: %s", model, ledger["feature"], error)


def call_settle(
    reservation: Reservation,
    completion: claude_client.Completion,
    *,
    ledger: dict,
    keep: Keep | None,
) -> None:
    """Charge what the call cost, at the prices of the model that answered, and keep the
    answer, in one transaction."""
    cost = usage_cost(completion.usage, price_rule_for(model=completion.model))
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
        if keep is not None:
            keep(completion)
