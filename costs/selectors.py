"""Reads: budget state and spend."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from costs.models import BudgetSettings, BudgetWindow, LedgerDay, LedgerEntry
from routing.tiers import DOWNGRADE_REASONS, TIERS


@dataclass(frozen=True)
class BudgetStatus:
    cap_usd: Decimal
    spent_usd: Decimal
    reserved_usd: Decimal
    resets_at: datetime

    @property
    def used_fraction(self) -> float:
        """Share of the cap already spent (0 when the cap is 0 and nothing is spent)."""
        if self.cap_usd <= 0:
            return 1.0 if self.spent_usd > 0 else 0.0
        return float(self.spent_usd / self.cap_usd)


def day_bounds(now: datetime, tz_name: str) -> tuple[date, datetime]:
    """The local date of `now` and the next local midnight."""
    local = now.astimezone(ZoneInfo(tz_name))
    tomorrow = local.date() + timedelta(days=1)
    return local.date(), datetime.combine(tomorrow, time.min, tzinfo=ZoneInfo(tz_name))


def month_bounds(now: datetime, tz_name: str) -> tuple[date, datetime]:
    """The first local date of `now`'s month and the local midnight the next month starts."""
    first = now.astimezone(ZoneInfo(tz_name)).date().replace(day=1)
    following = (first + timedelta(days=31)).replace(day=1)
    return first, datetime.combine(following, time.min, tzinfo=ZoneInfo(tz_name))


def budget_window(
    pool: str, settings: BudgetSettings, now: datetime
) -> tuple[date, datetime, Decimal]:
    """The current period of a budget pool: its first day, when it resets, and its cap.

    The conversation budget is daily, the heartbeat budget monthly; both follow the
    owner's time zone.
    """
    if pool == BudgetWindow.Pool.HEARTBEAT:
        starts_on, resets_at = month_bounds(now, settings.timezone)
        return starts_on, resets_at, settings.heartbeat_monthly_budget_usd
    starts_on, resets_at = day_bounds(now, settings.timezone)
    return starts_on, resets_at, settings.daily_budget_usd


def budget_status(
    *, pool: str = BudgetWindow.Pool.CONVERSATION, now: datetime | None = None
) -> BudgetStatus:
    """A budget's current period (today's conversation budget by default): cap, spent, held,
    and when it resets."""
    settings = BudgetSettings.load()
    starts_on, resets_at, cap = budget_window(pool, settings, now or timezone.now())
    window = BudgetWindow.objects.filter(pool=pool, starts_on=starts_on).first()
    return BudgetStatus(
        cap_usd=cap,
        spent_usd=window.spent_usd if window else Decimal(0),
        reserved_usd=window.reserved_usd if window else Decimal(0),
        resets_at=resets_at,
    )


def month_spend(*, now: datetime | None = None) -> Decimal:
    """Conversation spend so far in the current month, in the budget's time zone."""
    settings = BudgetSettings.load()
    today, _ = day_bounds(now or timezone.now(), settings.timezone)
    total = BudgetWindow.objects.filter(
        pool=BudgetWindow.Pool.CONVERSATION, starts_on__gte=today.replace(day=1)
    ).aggregate(total=Sum("spent_usd"))["total"]
    return total or Decimal(0)


PERIODS = ("today", "7d", "30d", "month")


def period_bounds(period: str, *, now: datetime | None = None) -> tuple[datetime, datetime]:
    """Start and end of a reporting period, in the budget's time zone."""
    settings = BudgetSettings.load()
    zone = ZoneInfo(settings.timezone)
    now = (now or timezone.now()).astimezone(zone)
    midnight = datetime.combine(now.date(), time.min, tzinfo=zone)
    starts = {
        "today": midnight,
        "7d": midnight - timedelta(days=6),
        "30d": midnight - timedelta(days=29),
        "month": midnight.replace(day=1),
    }
    return starts[period], now


def spend_by(*, group_by: str, start: datetime, end: datetime) -> list[dict]:
    """Cost and call counts per model, feature or day; aggregated in the database."""
    field = {"model": "actual_model", "feature": "feature", "day": "day"}[group_by]
    rows = LedgerEntry.objects.filter(created_at__gte=start, created_at__lt=end)
    if group_by == "day":
        zone = ZoneInfo(BudgetSettings.load().timezone)
        rows = rows.annotate(day=TruncDate("created_at", tzinfo=zone))
    grouped = rows.values(field).annotate(cost_usd=Sum("cost_usd"), calls=Count("id"))
    return [
        {"key": str(row[field]), "cost_usd": row["cost_usd"] or Decimal(0), "calls": row["calls"]}
        for row in grouped.order_by(field)
    ]


@dataclass(frozen=True)
class RoutingStats:
    messages: int
    tier_mix: dict[str, int]
    downgrades: dict[str, int]
    fallbacks: int

    def rate(self, count: int) -> float:
        return round(count / self.messages, 4) if self.messages else 0.0


def routing_stats(*, start: datetime, end: datetime) -> RoutingStats:
    """How routed messages were served: tier mix, downgrades by reason, fallbacks."""
    rows = LedgerEntry.objects.filter(
        feature=LedgerEntry.Feature.MESSAGE, created_at__gte=start, created_at__lt=end
    )
    tiers = dict(rows.values_list("tier").annotate(n=Count("id")).order_by())
    reasons = dict(rows.exclude(reason="").values_list("reason").annotate(n=Count("id")).order_by())
    return RoutingStats(
        messages=sum(tiers.values()),
        tier_mix={tier: tiers.get(tier, 0) for tier in TIERS},
        downgrades={r: n for r, n in reasons.items() if r in DOWNGRADE_REASONS},
        fallbacks=reasons.get("fallback", 0),
    )


def ledger_rows(
    *,
    start: datetime,
    end: datetime,
    feature: str | None = None,
    model: str | None = None,
    reason: str | None = None,
    tier: str | None = None,
):
    """Ledger entries in a period, newest first, optionally narrowed."""
    rows = LedgerEntry.objects.filter(created_at__gte=start, created_at__lt=end)
    for field, value in (
        ("feature", feature),
        ("actual_model", model),
        ("reason", reason),
        ("tier", tier),
    ):
        if value:
            rows = rows.filter(**{field: value})
    return rows.order_by("-created_at", "-id")


def recent_decisions(*, tier: str = "", reason: str = "", limit: int = 20):
    rows = LedgerEntry.objects.filter(feature=LedgerEntry.Feature.MESSAGE)
    if tier:
        rows = rows.filter(tier=tier)
    if reason:
        rows = rows.filter(reason=reason)
    return rows.order_by("-created_at", "-id")[:limit]


def ledger_rollup(*, start: datetime, end: datetime) -> list[dict]:
    """The period's running totals per day, model, feature, tier and reason.

    Read from `LedgerDay`, kept as entries are written: a few hundred rows however
    many calls there were. Periods start at a local midnight, so whole days match.
    """
    zone = ZoneInfo(BudgetSettings.load().timezone)
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    return list(
        LedgerDay.objects.filter(day__gte=first, day__lte=last).values(
            *LedgerDay.KEY, "calls", *LedgerDay.SUMS
        )
    )
