"""Reads: budget state and spend."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.utils import timezone

from costs.models import BudgetSettings, BudgetWindow


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


def budget_status(*, now: datetime | None = None) -> BudgetStatus:
    """Today's conversation budget: cap, spent, held, and when it resets."""
    settings = BudgetSettings.load()
    today, resets_at = day_bounds(now or timezone.now(), settings.timezone)
    window = BudgetWindow.objects.filter(
        pool=BudgetWindow.Pool.CONVERSATION, starts_on=today
    ).first()
    return BudgetStatus(
        cap_usd=settings.daily_budget_usd,
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
