"""The paid-call path on its own: whatever fails between the hold and the settlement,
the hold is closed and the caller gets a ClaudeError it may retry."""

from decimal import Decimal

import anthropic
import pytest

from blufio.clients.anthropic import ClaudeError
from blufio.conversation.calls import call_pay
from costs.models import BudgetWindow, LedgerEntry, Reservation

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
    def keep(completion):
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
