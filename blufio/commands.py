"""Bot commands, answered without any model call."""

from decimal import Decimal

from costs.selectors import budget_status, month_spend

COMMANDS = [
    ("start", "Say hello and see what I can do"),
    ("help", "How to talk to me"),
    ("budget", "Today's and this month's spend against the caps"),
]

HELP_TEXT = (
    "I'm Blufio, your assistant. Just write to me and I answer with Claude, "
    "picking the cheapest model that can do the job.\n\n"
    "Commands:\n"
    "/budget - today's and this month's spend\n"
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
    resets = status.resets_at.strftime("%H:%M")
    return (
        f"Today: {money(status.spent_usd)} of {money(status.cap_usd)} "
        f"({status.used_fraction:.0%}); resets at {resets} {status.resets_at.tzname()}.\n"
        f"This month: {money(month_spend())}."
    )


def command_reply(text: str) -> str | None:
    """The answer to a bot command, or None when the text is not one of ours."""
    name = command_name(text)
    if name == "start":
        return START_TEXT
    if name == "help":
        return HELP_TEXT
    if name == "budget":
        return budget_text()
    return None
