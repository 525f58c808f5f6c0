"""The paid-call path on its own: whatever fails between the hold and the settlement,
the hold is closed and the caller gets a ClaudeError it may retry."""

from datetime import timedelta
from decimal import Decimal

import anthropic
import pytest

from blufio.clients import anthropic as claude_client
from blufio.clients.anthropic import ClaudeError
from blufio.conversation.calls import call_fail, call_hold, call_pay, call_settle
from costs.models import BudgetWindow, LedgerDay, LedgerEntry, Reservation
from costs.selectors import budget_status
from costs.services import reservations_close_stale

pytestmark = pytest.mark.django_db

HAIKU_REPLY = Decimal("0.00027")  # 1,200 input and 300 output tokens at Haiku prices


def pay(**options):
    return call_pay(
        pool=BudgetWindow.Pool.CONVERSATION,
        model="claude-haiku-5-5",
        system="You are terse.",
        messages=[{"role": "user", "content": "hi"}],
        max_tokens=500,
        ledger={"feature": LedgerEntry.Feature.MESSAGE, "intended_model": "claude-haiku-5-5"},
        **options,
    )


def test_an_answer_that_cannot_be_kept_is_charged_what_it_cost_and_may_be_retried(fake_claude):
    def keep(completion, entry):
        raise RuntimeError("the database refused it")

    with pytest.raises(ClaudeError) as raised:
        pay(keep=keep)

    assert not raised.value.permanent
    reservation = Reservation.objects.get()
    assert (reservation.status, reservation.cost_usd) == ("settled", HAIKU_REPLY)
    entry = LedgerEntry.objects.get()
    assert (entry.outcome, entry.cost_usd, entry.request_id) == ("error", HAIKU_REPLY, "req_fake1")
    assert entry.error == "answer not kept (RuntimeError)"
    window = BudgetWindow.objects.get()
    assert (window.spent_usd, window.reserved_usd) == (HAIKU_REPLY, Decimal(0))


def test_an_unexpected_error_of_the_sdk_releases_the_hold(fake_claude, monkeypatch):
    def create(self, **kwargs):
        raise anthropic.AnthropicError("something the SDK did not expect")

    monkeypatch.setattr(anthropic.resources.Messages, "create", create)

    with pytest.raises(ClaudeError) as raised:
        pay()

    assert not raised.value.permanent
    assert Reservation.objects.get().status == "released"
    entry = LedgerEntry.objects.get()
    assert (entry.outcome, entry.cost_usd) == ("error", Decimal(0))
    window = BudgetWindow.objects.get()
    assert (window.spent_usd, window.reserved_usd) == (Decimal(0), Decimal(0))


PROMPT = {"system": "You are terse.", "messages": [{"role": "user", "content": "hi"}]}
LEDGER = {"feature": LedgerEntry.Feature.MESSAGE, "intended_model": "claude-haiku-5-5"}


def held_then_swept() -> Reservation:
    """A call's hold that the sweeper charged as interrupted while the call went on."""
    reservation = call_hold(
        pool=BudgetWindow.Pool.CONVERSATION,
        ledger=LEDGER,
        model="claude-haiku-5-5",
        max_tokens=500,
        options={},
        **PROMPT,
    )
    assert reservations_close_stale(older_than=timedelta(0)) == 1
    assert LedgerEntry.objects.get().outcome == "interrupted"
    return reservation


def test_a_call_that_ends_after_the_sweeper_charged_its_hold_is_charged_once_at_its_cost(
    fake_claude,
):
    reservation = held_then_swept()
    completion = claude_client.complete(model="claude-haiku-5-5", max_tokens=500, **PROMPT)

    call_settle(reservation, completion, ledger=LEDGER, keep=None)

    entry = LedgerEntry.objects.get()
    assert (entry.outcome, entry.cost_usd, entry.input_tokens, entry.output_tokens) == (
        "ok",
        HAIKU_REPLY,
        1200,
        300,
    )
    assert (entry.request_id, entry.error) == ("req_fake1", "")
    assert budget_status().spent_usd == HAIKU_REPLY
    assert BudgetWindow.objects.get().reserved_usd == 0
    day = LedgerDay.objects.get()
    assert (day.calls, day.cost_usd, day.input_tokens) == (1, HAIKU_REPLY, 1200)


def test_a_call_that_fails_after_the_sweeper_charged_its_hold_costs_nothing(fake_claude):
    reservation = held_then_swept()

    call_fail(reservation, model="claude-haiku-5-5", ledger=LEDGER, error=RuntimeError("boom"))

    entry = LedgerEntry.objects.get()
    assert (entry.outcome, entry.cost_usd, entry.error) == ("error", Decimal(0), "boom")
    assert budget_status().spent_usd == 0
    day = LedgerDay.objects.get()
    assert (day.calls, day.cost_usd) == (1, Decimal(0))
