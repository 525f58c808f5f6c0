"""The hard daily budget: hold the worst case first, settle after, never pass the cap."""

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection

from costs.models import BudgetSettings, BudgetWindow, LedgerEntry, Reservation
from costs.selectors import budget_status
from costs.services import BudgetExhausted, budget_release, budget_reserve, budget_settle
from tests.conftest import text_update
from tests.helpers import spend_now


@pytest.mark.django_db
def test_at_the_cap_claude_is_not_called_and_the_owner_is_told(
    post_update, fake_claude, fake_telegram
):
    spend_now("4.9995")  # above 95% the message goes to Haiku: its worst case is ~0.1 cent

    post_update(text_update("One more question"))

    assert fake_claude.calls == []
    [text] = fake_telegram.sent_texts()
    assert text.startswith("Today's budget of $5.00 is spent, so I won't call Claude until it ")
    assert "resets at 00:00 UTC" in text
    assert LedgerEntry.objects.count() == 0
    assert BudgetWindow.objects.get().spent_usd == Decimal("4.9995")
    assert Reservation.objects.count() == 0


@pytest.mark.django_db
def test_below_the_cap_the_message_goes_through(post_update, fake_claude, fake_telegram):
    spend_now("4.90")

    post_update(text_update("One more question"))

    assert len(fake_claude.calls) == 1
    # At 98% the message went to Haiku: 1,200 x $0.10/M + 300 x $0.50/M.
    assert BudgetWindow.objects.get().spent_usd == Decimal("4.90027")


@pytest.mark.django_db
def test_the_reservation_covers_the_worst_case_of_the_call(post_update, fake_claude, fake_telegram):
    post_update(text_update("/sonnet " + "x" * 3000))  # the hold of a Sonnet call

    reservation = Reservation.objects.get()
    # At least 3,000 prompt bytes at $4/M (Sonnet's dearest prompt rate, a 1-hour cache
    # write) + 2,048 output tokens at $10/M, times 1.1 in case inference runs US-only;
    # the system prompt and message framing add a few hundred tokens more.
    assert Decimal("0.035728") < reservation.amount_usd < Decimal("0.0380")
    # Long enough to be cached: the call wrote its prompt to the cache, within the hold.
    entry = LedgerEntry.objects.get(feature="message")
    assert entry.cache_write_tokens > 0
    assert reservation.cost_usd == entry.cost_usd < reservation.amount_usd
    assert reservation.status == "settled"


@pytest.mark.django_db
def test_a_day_starts_at_midnight_in_the_owners_time_zone():
    BudgetSettings.objects.update_or_create(pk=1, defaults={"timezone": "Asia/Tokyo"})
    late_utc = datetime(2026, 11, 21, 16, 30, tzinfo=UTC)  # 01:30 on the 22nd in Tokyo

    budget_reserve(amount=Decimal("1"), now=late_utc)

    assert BudgetWindow.objects.get().starts_on.isoformat() == "2026-11-22"
    assert budget_status(now=late_utc).resets_at.isoformat() == "2026-11-23T00:00:00+09:00"


@pytest.mark.django_db
def test_settling_and_releasing_move_the_hold_into_spend():
    first = budget_reserve(amount=Decimal("2"))
    second = budget_reserve(amount=Decimal("2"))
    with pytest.raises(BudgetExhausted):
        budget_reserve(amount=Decimal("1.01"))

    budget_settle(reservation=first, cost=Decimal("0.5"))
    budget_release(reservation=second)
    budget_settle(reservation=first, cost=Decimal("9"))  # a second settle changes nothing

    window = BudgetWindow.objects.get()
    assert (window.spent_usd, window.reserved_usd) == (Decimal("0.5"), Decimal(0))


@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_pass_the_cap():
    """Forty threads, each with its own PostgreSQL connection, race for $5 in $0.30 holds."""
    BudgetSettings.get_solo()
    granted, refused = [], []
    start = threading.Barrier(40)

    def reserve() -> None:
        start.wait()
        try:
            granted.append(budget_reserve(amount=Decimal("0.30")))
        except BudgetExhausted:
            refused.append(1)
        finally:
            connection.close()

    threads = [threading.Thread(target=reserve) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert connection.vendor == "postgresql"
    assert (len(granted), len(refused)) == (16, 24)  # 16 x $0.30 = $4.80; a 17th would pass $5
    assert BudgetWindow.objects.get().reserved_usd == Decimal("4.80")
