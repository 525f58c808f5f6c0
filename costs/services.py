"""Writes: holding and settling budget, recording ledger rows."""

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from costs.models import (
    BudgetSettings,
    BudgetWindow,
    LedgerDay,
    LedgerEntry,
    Reservation,
)
from costs.pricing import TokenUsage
from costs.selectors import BudgetStatus, budget_window, day_bounds

logger = logging.getLogger(__name__)


class BudgetExhausted(Exception):
    """The reservation would take spend past the cap."""

    def __init__(self, status: BudgetStatus) -> None:
        super().__init__(f"budget of ${status.cap_usd} reached")
        self.status = status


def budget_reserve(
    *,
    amount: Decimal,
    pool: str = BudgetWindow.Pool.CONVERSATION,
    now: datetime | None = None,
    call: dict | None = None,
) -> Reservation:
    """Hold `amount` against the pool's current budget period, or raise BudgetExhausted.

    `call` is the ledger row's fields (feature, models, session, …), kept with the hold
    so that a call whose worker stops still lands in the ledger.

    The window row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite takes the
    database write lock at the start of the transaction), so the check and the hold
    are one step even with many workers.
    """
    settings = BudgetSettings.get_solo()
    starts_on, resets_at, cap = budget_window(pool, settings, now or timezone.now())
    with transaction.atomic():
        BudgetWindow.objects.get_or_create(pool=pool, starts_on=starts_on)
        window = BudgetWindow.objects.select_for_update().get(pool=pool, starts_on=starts_on)
        if window.spent_usd + window.reserved_usd + amount > cap:
            raise BudgetExhausted(
                BudgetStatus(
                    cap_usd=cap,
                    spent_usd=window.spent_usd,
                    reserved_usd=window.reserved_usd,
                    resets_at=resets_at,
                )
            )
        BudgetWindow.objects.filter(pk=window.pk).update(reserved_usd=F("reserved_usd") + amount)
        return Reservation.objects.create(window=window, amount_usd=amount, call=call or {})


def _close(reservation: Reservation, *, cost: Decimal, status: str) -> bool:
    """Close the hold if it is still held; whether this call closed it."""
    with transaction.atomic():
        claimed = Reservation.objects.filter(
            pk=reservation.pk, status=Reservation.Status.HELD
        ).update(status=status, cost_usd=cost, closed_at=timezone.now())
        if claimed != 1:
            logger.warning("Reservation %s was already closed", reservation.pk)
            return False
        BudgetWindow.objects.filter(pk=reservation.window_id).update(
            reserved_usd=F("reserved_usd") - reservation.amount_usd,
            spent_usd=F("spent_usd") + cost,
        )
    if cost > reservation.amount_usd:
        logger.error(
            "Call cost $%s, more than the $%s reserved for it", cost, reservation.amount_usd
        )
    return True


def budget_settle(*, reservation: Reservation, cost: Decimal) -> bool:
    """Replace the hold with what the call really cost; False if it was closed already."""
    return _close(reservation, cost=cost, status=Reservation.Status.SETTLED)


def budget_release(*, reservation: Reservation) -> bool:
    """Drop the hold of a call that was not charged; False if it was closed already."""
    return _close(reservation, cost=Decimal(0), status=Reservation.Status.RELEASED)


def call_record(*, reservation: Reservation, closed: bool, **fields) -> LedgerEntry | None:
    """Record a call whose hold was just closed (`closed`: by this caller) in the ledger,
    once: `fields` are `ledger_entry_create`'s.

    A call can outlive the stale-hold cutoff; the sweeper then charged its hold, the
    worst case, and wrote an `interrupted` row. When the call ends after all, that row
    is corrected to what really happened (usage, cost, outcome) rather than a second
    row written, and spend moves from the worst case to the real cost: the owner sees
    each call once, at what it cost.
    """
    if closed:
        return ledger_entry_create(**fields)
    with transaction.atomic():
        hold = Reservation.objects.select_for_update().get(pk=reservation.pk)
        entry = hold.interrupted_entry
        if entry is None:  # closed by its own call already; that call recorded it
            logger.error("Reservation %s was closed twice; recording nothing", hold.pk)
            return None
        cost = fields.get("cost_usd", Decimal(0))
        BudgetWindow.objects.filter(pk=hold.window_id).update(
            spent_usd=F("spent_usd") + cost - hold.cost_usd
        )
        Reservation.objects.filter(pk=hold.pk).update(cost_usd=cost)
        _ledger_day_add(entry, sign=-1)
        for name, value in _entry_values(**fields, created_at=entry.created_at).items():
            setattr(entry, name, value)
        entry.save()
        _ledger_day_add(entry)
    logger.warning("A call charged as interrupted ended after all; its row now says what it cost")
    return entry


def ledger_entry_create(**fields) -> LedgerEntry:
    """Record one model call (`fields`: see `_entry_values`), and add it to its day's
    running totals."""
    with transaction.atomic():
        entry = LedgerEntry.objects.create(**_entry_values(**fields))
        _ledger_day_add(entry)
    return entry


def _entry_values(
    *,
    feature: str,
    intended_model: str,
    actual_model: str,
    usage: TokenUsage | None = None,
    cost_usd: Decimal = Decimal(0),
    session_id: int | None = None,
    latency_ms: int = 0,
    reason: str = "",
    tier: str = "",
    intended_tier: str = "",
    override: str = "",
    score: float | None = None,
    routing_reasons: list[str] | None = None,
    effort: str = "",
    attachment_kind: str = "",
    request_id: str = "",
    message_id: str = "",
    cache_miss_reason: str = "",
    outcome: str = LedgerEntry.Outcome.OK,
    error: str = "",
    created_at: datetime | None = None,
    retry_of_id: int | None = None,
) -> dict:
    """A ledger row's columns: the usage spread out, the texts cut to fit."""
    usage = usage or TokenUsage()
    return {
        "created_at": created_at or timezone.now(),
        "feature": feature,
        "intended_model": intended_model,
        "actual_model": actual_model,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cache_write_tokens": usage.cache_write_tokens,
        "cache_write_1h_tokens": usage.cache_write_1h_tokens,
        "cache_read_tokens": usage.cache_read_tokens,
        "inference_geo": usage.inference_geo or "",
        "speed": usage.speed or "",
        "cost_usd": cost_usd,
        "session_id": session_id,
        "latency_ms": latency_ms,
        "reason": reason,
        "tier": tier,
        "intended_tier": intended_tier,
        "override": override,
        "score": score,
        "routing_reasons": routing_reasons or [],
        "effort": effort or "",
        "attachment_kind": attachment_kind,
        "request_id": request_id[:100],
        "message_id": message_id[:100],
        "cache_miss_reason": cache_miss_reason[:40],
        "retry_of_id": retry_of_id,
        "outcome": outcome,
        "error": error[:300],
    }


def _ledger_day_add(entry: LedgerEntry, *, sign: int = 1) -> None:
    """Add the entry to its day's totals (`sign` -1: take it out, before correcting it)."""
    day, _ = day_bounds(entry.created_at, BudgetSettings.get_solo().timezone)
    key = {name: getattr(entry, name) for name in LedgerDay.KEY if name != "day"}
    key["day"] = day
    sums = {name: getattr(entry, name) for name in LedgerDay.SUMS}
    increments = {name: F(name) + sign * value for name, value in sums.items()}
    if LedgerDay.objects.filter(**key).update(calls=F("calls") + sign, **increments) or sign < 0:
        return
    try:
        with transaction.atomic():
            LedgerDay.objects.create(**key, calls=1, **sums)
    except IntegrityError:  # another worker created the row first
        LedgerDay.objects.filter(**key).update(calls=F("calls") + 1, **increments)


def ledger_days_rebuild() -> int:
    """Recompute every day's totals from the ledger (after a time zone change, or bulk loads)."""
    zone = ZoneInfo(BudgetSettings.get_solo().timezone)
    rows = (
        LedgerEntry.objects.annotate(day=TruncDate("created_at", tzinfo=zone))
        .values(*LedgerDay.KEY)
        .annotate(calls=Count("id"), **{name: Sum(name) for name in LedgerDay.SUMS})
        .order_by()
    )
    with transaction.atomic():
        LedgerDay.objects.all().delete()
        LedgerDay.objects.bulk_create(LedgerDay(**row) for row in rows)
    return LedgerDay.objects.count()


def budget_alert_claim(*, share: float, now: datetime | None = None) -> bool:
    """True once per day per threshold: whether to alert the owner that spend passed `share`.

    The claim is a conditional UPDATE, so two workers settling at once send one alert.
    """
    settings = BudgetSettings.get_solo()
    today, _ = day_bounds(now or timezone.now(), settings.timezone)
    return (
        BudgetWindow.objects.filter(
            pool=BudgetWindow.Pool.CONVERSATION, starts_on=today, alerted_share__lt=share
        ).update(alerted_share=share)
        == 1
    )


def reservations_close_stale(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Close holds whose call never settled (its worker stopped); returns how many.

    A call, with the SDK's retries, ends well within `older_than`. Claude may still have
    answered, and billed, a call whose worker stopped, so a paid call's hold is charged
    in full, its worst case, and recorded in the ledger as `interrupted` (corrected by
    `call_record` if the call ends after all). A hold that names no call is released.
    """
    cutoff = (now or timezone.now()) - older_than
    stale = Reservation.objects.filter(status=Reservation.Status.HELD, created_at__lt=cutoff)
    closed = 0
    for reservation in stale:
        if not reservation.call:
            budget_release(reservation=reservation)
        else:
            with transaction.atomic():
                if not budget_settle(reservation=reservation, cost=reservation.amount_usd):
                    continue  # its call settled a moment ago, and recorded itself
                entry = ledger_entry_create(
                    **reservation.call,
                    cost_usd=reservation.amount_usd,
                    outcome=LedgerEntry.Outcome.INTERRUPTED,
                    error="The worker stopped during the call; charged at the worst case held.",
                    created_at=reservation.created_at,
                )
                Reservation.objects.filter(pk=reservation.pk).update(interrupted_entry=entry)
        closed += 1
    if closed:
        logger.warning("Closed %s budget holds left by stopped workers", closed)
    return closed
