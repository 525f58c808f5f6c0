"""Bot commands, answered without any model call."""

from decimal import Decimal

from blufio.conversation import texts
from costs.models import BudgetWindow
from costs.savings import period_savings
from costs.selectors import (
    budget_status,
    month_spend,
    period_bounds,
    routing_stats,
    spend_by,
    spend_by_tier,
)

COMMANDS = [
    ("start", "Say hello and see what I can do"),
    ("help", "How to talk to me"),
    ("budget", "Today's and this month's spend against the caps"),
    ("stats", "How the last 7 days' messages were routed"),
    ("usage", "Today's and this month's spend by tier"),
]


def command_name(text: str) -> str | None:
    """The command a message starts with ("/budget@BlufioBot now" gives "budget")."""
    if not text.startswith("/"):
        return None
    word = text.split(maxsplit=1)[0][1:]
    return word.split("@", 1)[0].lower() or None


def budget_answer() -> str:
    status = budget_status()
    heartbeat = budget_status(pool=BudgetWindow.Pool.HEARTBEAT)
    return texts.budget_text(
        spent=status.spent_usd,
        cap=status.cap_usd,
        used=status.used_fraction,
        resets_at=status.resets_at,
        month=month_spend(),
        heartbeat_spent=heartbeat.spent_usd,
        heartbeat_cap=heartbeat.cap_usd,
    )


def stats_answer() -> str:
    start, end = period_bounds("7d")
    stats = routing_stats(start=start, end=end)
    if not stats.messages:
        return texts.NO_MESSAGES_TEXT
    downgrades = sum(stats.downgrades.values())
    spend = sum(
        (row["cost_usd"] for row in spend_by(group_by="feature", start=start, end=end)), Decimal(0)
    )
    return texts.stats_text(
        messages=stats.messages,
        tier_mix=stats.tier_mix,
        downgrades=downgrades,
        rate=stats.rate(downgrades),
        fallbacks=stats.fallbacks,
        spend=spend,
        savings=period_savings(start=start, end=end),
    )


def usage_answer() -> str:
    """Today's and this month's spend by tier: the dashboard's selector, the same numbers."""
    status = budget_status()
    periods = [
        (label, spend_by_tier(start=start, end=end))
        for label, (start, end) in (
            ("Today", period_bounds("today")),
            ("This month", period_bounds("month")),
        )
    ]
    return texts.usage_text(periods=periods, spent=status.spent_usd, cap=status.cap_usd)


ANSWERS = {
    "start": lambda: texts.START_TEXT,
    "help": lambda: texts.HELP_TEXT,
    "budget": budget_answer,
    "stats": stats_answer,
    "usage": usage_answer,
}
# Their answers show spend: given in private chats only, never to a group.
SPEND_COMMANDS = frozenset({"budget", "stats", "usage"})


def command_answer(text: str, *, private: bool) -> str | None:
    """The answer to a bot command, or None when the text is not one of ours."""
    name = command_name(text)
    answer = ANSWERS.get(name)
    if answer and name in SPEND_COMMANDS and not private:
        return texts.SPEND_IN_PRIVATE_ONLY_TEXT
    return answer() if answer else None
