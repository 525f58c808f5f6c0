"""One paid Claude call: the worst case held against a budget, the call, the real cost
settled and written to the ledger. Replies, extraction, compaction and heartbeats all
go through here."""

import logging
from collections.abc import Callable

from django.db import transaction

from blufio import anthropic_client
from blufio.context import prompt_token_bound
from costs.models import LedgerEntry
from costs.pricing import usage_cost, worst_case_cost
from costs.services import (
    budget_release,
    budget_reserve,
    budget_settle,
    ledger_entry_create,
    price_rule_for,
)

logger = logging.getLogger(__name__)


def paid_call(
    *,
    pool: str,
    model: str,
    system: str,
    messages: list[dict],
    max_tokens: int,
    ledger: dict,
    tools: list[dict] | None = None,
    tool_choice: dict | None = None,
    keep: Callable[[anthropic_client.Completion], object] | None = None,
) -> anthropic_client.Completion:
    """Reserve the call's worst case against `pool`, call Claude once, settle and record it.

    `ledger` holds the ledger row's fields besides usage and cost (feature, session_id,
    intended_model, …). `keep` stores the answer in the same transaction as the
    settlement, so what was paid for cannot be lost by a crash after it. Raises
    `costs.services.BudgetExhausted` (nothing was called) or
    `anthropic_client.ClaudeError` (the failure is in the ledger, the hold released).
    """
    rule = price_rule_for(model=model)
    tool_text = str(tools) if tools else ""
    prompt_bound = prompt_token_bound(system + tool_text, messages)
    reservation = budget_reserve(
        amount=worst_case_cost(rule, prompt_tokens=prompt_bound, max_output_tokens=max_tokens),
        pool=pool,
        call={**ledger, "actual_model": model},
    )
    try:
        completion = anthropic_client.complete(
            model=model,
            system=system,
            messages=messages,
            max_tokens=max_tokens,
            tools=tools,
            tool_choice=tool_choice,
        )
    except anthropic_client.ClaudeError as exc:
        budget_release(reservation=reservation)
        ledger_entry_create(
            **ledger, actual_model=model, outcome=LedgerEntry.Outcome.ERROR, error=str(exc)
        )
        logger.warning("Claude %s failed for %s: %s", model, ledger["feature"], exc)
        raise
    if completion.model != model:
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
        if keep is not None:
            keep(completion)
    return completion
