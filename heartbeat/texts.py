"""Everything the heartbeat says to the owner that Claude did not write: the 🔔 mark,
the item buttons and their answers, the weekly 📊 digest. Pure: data in, text out."""

from datetime import timedelta
from decimal import Decimal

from blufio.conversation.texts import money, savings_text
from costs.models import LedgerEntry
from heartbeat.selectors import WeekSpend
from routing.tiers import TIER_NAMES, TIERS

CHECKIN_MARK = "🔔"
BUTTON_LABEL_CHARS = 24
BUTTON_ANSWER_CHARS = 200  # Telegram's limit for a button's answer
ITEM_GONE = "That item is gone."


def checkin_shown(text: str) -> str:
    """A check-in as sent: marked so it cannot be mistaken for a reply."""
    return f"{CHECKIN_MARK} {text}"


def item_button_labels(item_text: str) -> tuple[str, str]:
    """The ✅ done and ⏰ snooze labels of an item's buttons."""
    label = item_text
    if len(label) > BUTTON_LABEL_CHARS:
        label = label[: BUTTON_LABEL_CHARS - 1] + "…"
    return f"✅ {label}", "⏰ 1 h"


def item_already(status_label: str, item_text: str) -> str:
    return f"Already {status_label}: {item_text}"[:BUTTON_ANSWER_CHARS]


def item_done(item_text: str) -> str:
    return f"✅ Done: {item_text}"[:BUTTON_ANSWER_CHARS]


def item_snoozed(item_text: str) -> str:
    return f"⏰ I'll remind you again in an hour: {item_text}"[:BUTTON_ANSWER_CHARS]


def weekly_digest_text(
    week: "WeekSpend", *, heartbeat_spent: Decimal, heartbeat_cap: Decimal
) -> str:
    """The weekly 📊 summary of a week's spend."""
    last_day = week.end - timedelta(days=1)
    lines = [
        f"📊 Your week with Blufio ({week.start:%a %d %b} – {last_day:%a %d %b})",
        f"Spend: {money(week.total)} over {week.calls} model calls.",
    ]
    if week.by_tier:
        tiers = ", ".join(
            f"{TIER_NAMES.get(tier, tier)} {money(cost)} ({calls})"
            for tier in (*TIERS, "?")
            if tier in week.by_tier
            for cost, calls in [week.by_tier[tier]]
        )
        lines.append(f"Replies by tier: {tiers}.")
    features = ", ".join(
        f"{name} {money(week.by_feature[name])}"
        for name in LedgerEntry.Feature.values
        if name in week.by_feature
    )
    lines.append(f"By feature: {features}.")
    lines.append(
        f"Budget downgrades: {week.downgrades} of {week.messages} replies; "
        f"fallbacks: {week.fallbacks}."
    )
    lines.append(
        f"Heartbeats: {money(week.by_feature.get('heartbeat', Decimal(0)))} this week; "
        f"{money(heartbeat_spent)} of {money(heartbeat_cap)} this month."
    )
    if week.at_opus_prices > 0:
        share = week.saved / week.at_opus_prices
        lines.append(
            f"Saved against the same calls at Opus prices: {money(week.saved)} ({share:.0%})."
        )
        lines.append(savings_text(week.savings))
    return "\n".join(lines)
