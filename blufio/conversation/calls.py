"""One paid Claude call: the worst case held against a budget, the call, the real cost
settled and written to the ledger. Replies, extraction, compaction and heartbeats all
go through here."""

import logging
from collections.abc import Callable
from dataclasses import replace

from django.db import transaction

from blufio.clients import anthropic as claude_client
from blufio.models import ChatSession
from costs.models import LedgerEntry, Reservation
from costs.pricing import prompt_token_bound, usage_cost, worst_case_cost
from costs.selectors import capabilities_for, price_rule_for
from costs.services import budget_release, budget_reserve, budget_settle, call_record
from routing.core import Decision
from routing.models import RoutingSettings

logger = logging.getLogger(__name__)

# Stores a paid answer, given the ledger row that paid for it (None only for a hold
# closed twice: its first close recorded it, see `call_record`).
Keep = Callable[[claude_client.Completion, LedgerEntry | None], object]
# Extraction, compaction and check-ins need no depth: the least effort, where it is taken.
INTERNAL_EFFORT = "low"


def decision_ledger(session: ChatSession, decision: Decision, *, routing: RoutingSettings) -> dict:
    """The ledger fields every answer to a routed message carries, whoever answers it
    (a Claude tier or the local model): the router's decision it answers."""
    return {
        "feature": LedgerEntry.Feature.MESSAGE,
        "intended_model": routing.model_for(decision.intended_tier),
        "session_id": session.pk,
        "intended_tier": decision.intended_tier,
        "override": decision.override or "",
        "score": decision.score,
        "routing_reasons": decision.reasons,
    }


def call_pay(
    *,
    pool: str,
    model: str,
    system: str | list[dict],
    messages: list[dict],
    max_tokens: int,
    ledger: dict,
    effort: str | None = None,
    internal: bool = False,
    structured: claude_client.StructuredOutput | None = None,
    cache_control: dict | None = None,
    diagnostics: dict | None = None,
    keep: Keep | None = None,
    media_tokens: int = 0,
    on_text: Callable[[str], None] | None = None,
) -> claude_client.Completion:
    """Reserve the call's worst case against `pool`, call Claude once, settle and record it.

    `ledger` holds the ledger row's fields besides usage and cost (feature, session_id,
    intended_model, …). The request takes what the model accepts (its capabilities in
    the price table): `effort` if it takes that level (the ledger records the one sent);
    for an `internal` call the least effort and thinking off, where the model allows
    them; a `structured` answer the way the model supports. `keep` stores the answer in
    the same transaction as the settlement, so what was paid for cannot be lost by a
    crash after it. With `on_text` the answer is streamed (see `claude_client.complete`).
    Raises `costs.services.BudgetExhausted` (nothing was called) or
    `claude_client.ClaudeError` (the failure is in the ledger, the hold closed).

    No exception leaves the hold open for the sweeper: a call that fails is released;
    a 200 whose answer cannot be read is charged its hold, the worst case (Claude
    generated, and may have billed, an answer whose usage is lost with it); a stream
    cut part way is charged the most Claude can bill for it (see `call_charge_cut`); an
    answer that cannot be kept is charged what it cost. Each raises a ClaudeError that is not
    permanent, so the caller treats it as an outage and may try again.

    `media_tokens` bounds the image and document blocks of `messages` (see
    `costs.pricing.prompt_token_bound`).
    """
    options = claude_client.request_options(
        capabilities_for(model=model),
        effort=INTERNAL_EFFORT if internal else effort,
        quiet=internal,
        structured=structured,
    )
    if cache_control:
        options["cache_control"] = cache_control
    if diagnostics is not None:
        options["diagnostics"] = diagnostics
    ledger = {**ledger, "effort": options.get("output_config", {}).get("effort", "")}
    request = {"model": model, "system": system, "messages": messages, "max_tokens": max_tokens}
    reservation = call_hold(
        pool=pool, ledger=ledger, options=options, media_tokens=media_tokens, **request
    )
    try:
        completion = claude_client.complete(**request, **options, on_text=on_text)
    except claude_client.StreamCut as exc:
        call_charge_cut(reservation, model=model, ledger=ledger, error=exc, max_tokens=max_tokens)
        raise
    except claude_client.MalformedAnswer as exc:
        call_charge_held(reservation, model=model, ledger=ledger, error=exc)
        raise
    except Exception as exc:
        call_fail(reservation, model=model, ledger=ledger, error=exc)
        if isinstance(exc, claude_client.ClaudeError):
            raise
        failure = f"Claude call failed ({type(exc).__name__})"
        raise claude_client.ClaudeError(failure, permanent=False) from exc
    try:
        call_settle(reservation, completion, ledger=ledger, keep=keep)
    except Exception as exc:
        logger.exception("The answer of Claude %s for %s was not kept", model, ledger["feature"])
        error = {
            "outcome": LedgerEntry.Outcome.ERROR,
            "error": f"answer not kept ({type(exc).__name__})",
        }
        call_settle(reservation, completion, ledger={**ledger, **error}, keep=None)
        raise claude_client.ClaudeError(
            "Claude's answer could not be kept", permanent=False
        ) from exc
    return completion


def call_hold(
    *,
    pool: str,
    ledger: dict,
    model: str,
    system: str | list[dict],
    messages: list[dict],
    max_tokens: int,
    options: dict,
    media_tokens: int = 0,
) -> Reservation:
    """Hold the call's worst case; the ledger fields go with the hold, for a worker that
    stops mid-call. The worst case prices every prompt token at the dearest prompt rate,
    so a cold cache writing the whole prompt (dearer than plain input) is covered.

    A tool or an output format is prompt too. Thinking is output, bounded by
    `max_tokens` like the answer, so `max_tokens` of output covers it.
    """
    schemas = list(options.get("tools", []))
    if output_format := options.get("output_config", {}).get("format"):
        schemas.append(output_format)
    prompt_bound = prompt_token_bound(system, messages, schemas, media_tokens=media_tokens)
    rule = price_rule_for(model=model)
    worst = worst_case_cost(rule, prompt_tokens=prompt_bound, max_output_tokens=max_tokens)
    return budget_reserve(amount=worst, pool=pool, call={**ledger, "actual_model": model})


def call_fail(reservation: Reservation, *, model: str, ledger: dict, error: Exception) -> None:
    """Release the hold of a failed call and record the failure."""
    with transaction.atomic():
        call_record(
            reservation=reservation,
            closed=budget_release(reservation=reservation),
            **ledger,
            actual_model=model,
            outcome=LedgerEntry.Outcome.ERROR,
            error=str(error),
        )
    if isinstance(error, claude_client.ClaudeError):
        logger.warning("Claude %s failed for %s: %s", model, ledger["feature"], error)
    else:
        logger.error("Claude %s failed for %s", model, ledger["feature"], exc_info=error)


def call_charge_held(
    reservation: Reservation, *, model: str, ledger: dict, error: Exception
) -> None:
    """Charge an answer whose usage is unknown at its hold, and record why."""
    with transaction.atomic():
        call_record(
            reservation=reservation,
            closed=budget_settle(reservation=reservation, cost=reservation.amount_usd),
            **ledger,
            actual_model=model,
            cost_usd=reservation.amount_usd,
            outcome=LedgerEntry.Outcome.ERROR,
            error=f"{error}; charged at the worst case held",
        )
    logger.warning("Claude %s answered unreadably for %s", model, ledger["feature"])


def call_charge_cut(
    reservation: Reservation,
    *,
    model: str,
    ledger: dict,
    error: claude_client.StreamCut,
    max_tokens: int,
) -> None:
    """Charge a stream cut part way the most Claude can bill for it, and record why.

    Its final usage never came, and Claude may have generated more than reached us: the
    prompt's tokens are known exactly from message_start, so they are charged with all of
    `max_tokens` as output (never more than the hold). Without message_start, the hold.
    """
    if error.usage is None:
        call_charge_held(reservation, model=model, ledger=ledger, error=error)
        return
    charged = replace(error.usage, output_tokens=max_tokens)
    answered_by = error.model or model
    cost = min(reservation.amount_usd, usage_cost(charged, price_rule_for(model=answered_by)))
    with transaction.atomic():
        call_record(
            reservation=reservation,
            closed=budget_settle(reservation=reservation, cost=cost),
            **ledger,
            actual_model=answered_by,
            usage=charged,
            cost_usd=cost,
            outcome=LedgerEntry.Outcome.ERROR,
            error=f"{error}; charged its prompt and max_tokens of output",
        )
    logger.warning("Claude %s stopped part way for %s: %s", answered_by, ledger["feature"], error)


def call_settle(
    reservation: Reservation,
    completion: claude_client.Completion,
    *,
    ledger: dict,
    keep: Keep | None,
) -> None:
    """Charge what the call cost, at the prices of the model that answered, and keep the
    answer, in one transaction. One row per call, even if the sweeper charged the hold
    meanwhile (see `call_record`)."""
    cost = usage_cost(completion.usage, price_rule_for(model=completion.model))
    with transaction.atomic():
        entry = call_record(
            reservation=reservation,
            closed=budget_settle(reservation=reservation, cost=cost),
            **ledger,
            actual_model=completion.model,
            usage=completion.usage,
            cost_usd=cost,
            latency_ms=completion.latency_ms,
            request_id=completion.request_id,
            message_id=completion.message_id,
            cache_miss_reason=completion.cache_miss_reason or "",
        )
        if keep is not None:
            keep(completion, entry)
