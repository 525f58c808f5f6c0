"""Bot commands, answered without any model call."""

from decimal import Decimal

from costs.models import BudgetWindow
from costs.selectors import budget_status, month_spend, period_bounds, routing_stats, spend_by

COMMANDS = [
    ("start", "Say hello and see what I can do"),
    ("help", "How to talk to me"),
    ("budget", "Today's and this month's spend against the caps"),
    ("stats", "How the last 7 days' messages were routed"),
]

HELP_TEXT = (
    "I'm Blufio, your assistant. Just write to me and I answer with Claude, "
    "picking the cheapest model that can do the job.\n\n"
    "Commands:\n"
    "/budget - today's and this month's spend\n"
    "/stats - how the last 7 days' messages were routed\n"
    "/opus, /sonnet or /haiku before a message - use that model for it\n"
    "/help - this message"
)
START_TEXT = "Hi! " + HELP_TEXT


def command_name(text: str) -> str | None:
    """The command a message starts with ("/budget@BlufioBot now" gives "budget")."""
    if not text.startswith("/"):
        return None
    word = text.split(maxsplit=1)[0][1:]
    return word.split("@", 1)[0].lower() or None


def money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def budget_text() -> str:
    status = budget_status()
    heartbeat = budget_status(pool=BudgetWindow.Pool.HEARTBEAT)
    resets = status.resets_at.strftime("%H:%M")
    return (
        f"Today: {money(status.spent_usd)} of {money(status.cap_usd)} "
        f"({status.used_fraction:.0%}); resets at {resets} {status.resets_at.tzname()}.\n"
        f"This month: {money(month_spend())}.\n"
        f"Check-ins this month: {money(heartbeat.spent_usd)} of {money(heartbeat.cap_usd)}, "
        "a budget of their own."
    )


def stats_text() -> str:
    start, end = period_bounds("7d")
    stats = routing_stats(start=start, end=end)
    if not stats.messages:
        return "No messages in the last 7 days."
    mix = ", ".join(f"{tier.title()} {n}" for tier, n in stats.tier_mix.items())
    downgrades = sum(stats.downgrades.values())
    spend = sum(
        (row["cost_usd"] for row in spend_by(group_by="feature", start=start, end=end)), Decimal(0)
    )
    lines = [
        f"Last 7 days: {stats.messages} messages ({mix}).",
        f"Downgraded for budget: {downgrades} ({stats.rate(downgrades):.0%}); "
        f"fallbacks: {stats.fallbacks}.",
        f"Spend: {money(spend)}.",
    ]
    return "\n".join(lines)


def command_reply(text: str) -> str | None:
    """The answer to a bot command, or None when the text is not one of ours."""
    name = command_name(text)
    if name == "start":
        return START_TEXT
    if name == "help":
        return HELP_TEXT
    if name == "budget":
        return budget_text()
    if name == "stats":
        return stats_text()
    return None
