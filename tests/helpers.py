"""Helpers shared by the database tests: ledger rows (written through the service, so the
daily totals follow), today's budget window, quiet hours off, webhook posts from threads, a
second worker in a thread.

Fixtures built on them (`staff`, `no_quiet_hours`) are in `tests/conftest.py`.
"""

import json
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.utils import timezone

from blufio.models import ChatMessage, ChatSession, InboundUpdate, RoutingFeedback
from costs.models import BudgetSettings, BudgetWindow
from costs.pricing import TokenUsage, usage_cost
from costs.selectors import budget_window, price_rule_for
from costs.services import ledger_entry_create
from heartbeat.models import HeartbeatSettings
from routing.tiers import DEFAULT_MODELS

WEBHOOK_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": "test-webhook-secret"}


def call_cost(*, model: str, usage: TokenUsage) -> Decimal:
    """What a call with this usage costs at the price table's rule for `model`."""
    return usage_cost(usage, price_rule_for(model=model))


def ledger_row(
    model: str,
    cost: str | None = None,
    *,
    tier: str = "",
    feature: str = "message",
    reason: str = "",
    outcome: str = "ok",
    days_ago: int = 0,
    at: datetime | None = None,
    input_tokens: int = 100,
    output_tokens: int = 10,
    usage: TokenUsage | None = None,
    intended_model: str | None = None,
    intended_tier: str | None = None,
    routing_reasons: list[str] | None = None,
):
    """One ledger entry; `cost` None prices its usage at the price table, like a real call."""
    usage = usage or TokenUsage(input_tokens=input_tokens, output_tokens=output_tokens)
    return ledger_entry_create(
        feature=feature,
        intended_model=intended_model or model,
        actual_model=model,
        tier=tier,
        intended_tier=tier if intended_tier is None else intended_tier,
        reason=reason,
        outcome=outcome,
        cost_usd=call_cost(model=model, usage=usage) if cost is None else Decimal(cost),
        usage=usage,
        routing_reasons=routing_reasons,
        created_at=(at or timezone.now()) - timedelta(days=days_ago),
    )


def budget_window_now(pool: str = BudgetWindow.Pool.CONVERSATION):
    """The current period's budget window of `pool` (created if missing), as a queryset to
    update: today's for the conversation budget, this month's for the heartbeat's."""
    starts_on, _, _ = budget_window(pool, BudgetSettings.get_solo(), timezone.now())
    BudgetWindow.objects.get_or_create(pool=pool, starts_on=starts_on)
    return BudgetWindow.objects.filter(pool=pool, starts_on=starts_on)


def spend_now(amount: Decimal | str, pool: str = BudgetWindow.Pool.CONVERSATION) -> None:
    """Set what the current period of `pool` has spent."""
    budget_window_now(pool).update(spent_usd=Decimal(amount))


def quiet_hours_off() -> HeartbeatSettings:
    """Heartbeat settings without quiet hours, so tests do not depend on the clock."""
    settings, _ = HeartbeatSettings.objects.update_or_create(
        pk=1, defaults={"quiet_hours_start": clock(0), "quiet_hours_end": clock(0)}
    )
    return settings


def post(body: dict) -> int:
    """POST an update to the webhook from any thread (each has its own connection)."""
    try:
        response = Client().post(
            "/telegram/webhook/",
            data=json.dumps(body),
            content_type="application/json",
            headers=WEBHOOK_HEADERS,
        )
        return response.status_code
    finally:
        connection.close()


def wait_until_settled(expected: int, timeout: float = 90) -> None:
    """Wait until `expected` updates are done or failed (real workers answer them)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if InboundUpdate.objects.filter(status__in=["done", "failed"]).count() >= expected:
            return
        time.sleep(0.2)
    raise AssertionError("the workers did not finish in time")


def wait_for(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


@contextmanager
def answering_in_background(update_id: int):
    """`update_process` in another thread (its own connection), as a second worker; the
    dict it yields gets the updates it hands on."""
    from blufio.inbox.worker import update_process

    result = {}

    def run():
        try:
            result["handoffs"] = []
            update_process(update_id=update_id, hand_on=result["handoffs"].append)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        yield result
    finally:
        thread.join(timeout=30)


def verdict_row(
    signal: str,
    *,
    tier: str = "sonnet",
    asked_tier: str = "",
    text: str = "What should I cook tonight with leeks, eggs and rice?",
    days_ago: int = 0,
) -> RoutingFeedback:
    """The owner's verdict on a reply of `tier` to `text`, with its ledger row."""
    session, _ = ChatSession.objects.get_or_create(chat_id=1001, defaults={"user_id": 1001})
    entry = ledger_row(DEFAULT_MODELS[tier], tier=tier, days_ago=days_ago)
    asked = ChatMessage.objects.create(session=session, role="user", text=text)
    ChatMessage.objects.create(
        session=session, role="assistant", text="An answer.", answers=asked, ledger_entry=entry
    )
    return RoutingFeedback.objects.create(
        ledger_entry=entry,
        message=asked,
        signal=signal,
        asked_tier=asked_tier,
        created_at=timezone.now() - timedelta(days=days_ago),
    )
