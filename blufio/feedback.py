"""Reads of the owner's verdicts on routing (`RoutingFeedback`; the rules that record
them are in `blufio.conversation.verdict`): the dashboard's routing-quality panel, the
escalated messages listed on the router playground, and `GET /api/feedback`.

They live with the agent, not in `routing`: a verdict is on a message the owner wrote,
and routing knows nothing of the agent's messages (DESIGN.md's import rules).
"""

import json
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from blufio.conversation.reply import routing_context
from blufio.conversation.verdict import CONTINUE_REASON
from blufio.models import RoutingFeedback
from costs.models import BudgetSettings
from costs.selectors import ledger_rollup, tier_totals
from routing.tiers import TIERS

Signal = RoutingFeedback.Signal
# The panel's columns: what the owner did, counted per tier that answered.
QUALITY_COLUMNS = ("escalated", "reasked", "down", "up")
ESCALATIONS_SHOWN = 50


def _column(signal: str, *, tier: str, asked_tier: str) -> str | None:
    """The panel column a signal counts in: a /prefix counts as escalated only when it
    asked for a stronger tier than the one that answered."""
    if signal == Signal.ASK_OPUS:
        return "escalated"
    if signal == Signal.PREFIX:
        under = RoutingFeedback(asked_tier=asked_tier).under_routed(tier)
        return "escalated" if under else None
    return {Signal.REASK: "reasked", Signal.THUMBS_DOWN: "down", Signal.THUMBS_UP: "up"}.get(signal)


def routing_quality(*, start: datetime, end: datetime) -> dict:
    """Per tier that answered: replies (not counting continuations), and how often the
    owner escalated, re-asked, reacted 👎 or 👍, each as a share of the replies; and the
    same counts per day."""
    zone = ZoneInfo(BudgetSettings.get_solo().timezone)
    # A continuation goes on with a reply already counted, which a verdict on it judges:
    # no reply of its own. (An answer on "Ask Opus" is one: its reactions are its own.)
    answers = [
        row for row in ledger_rollup(start=start, end=end) if row["reason"] != CONTINUE_REASON
    ]
    replies = {row["key"]: row["calls"] for row in tier_totals(answers) if row["key"] in TIERS}
    counted = (
        RoutingFeedback.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day", "ledger_entry__tier", "signal", "asked_tier")
        .annotate(n=Count("id"))
        .order_by()
    )
    totals: dict = {tier: dict.fromkeys(QUALITY_COLUMNS, 0) for tier in TIERS}
    days: dict = defaultdict(lambda: dict.fromkeys(QUALITY_COLUMNS, 0))
    for row in counted:
        tier = row["ledger_entry__tier"]
        column = _column(row["signal"], tier=tier, asked_tier=row["asked_tier"])
        if column is None or tier not in totals:
            continue
        totals[tier][column] += row["n"]
        days[(row["day"], tier)][column] += row["n"]
    tiers = []
    for tier in TIERS:
        count = replies.get(tier, 0)
        shares = {
            f"{column}_percent": totals[tier][column] / count * 100 if count else 0.0
            for column in QUALITY_COLUMNS
        }
        tiers.append({"tier": tier, "replies": count, **totals[tier], **shares})
    by_day = [
        {"day": day, "tier": tier, **counts}
        for (day, tier), counts in sorted(days.items(), key=lambda item: item[0], reverse=True)
    ]
    return {"tiers": tiers, "days": by_day}


def feedback_rows(
    *, start: datetime | None = None, end: datetime | None = None, signal: str | None = None
) -> QuerySet:
    """Feedback (in a period, if given), newest first, with the ledger row and the message
    it judges."""
    rows = RoutingFeedback.objects.all()
    if start is not None:
        rows = rows.filter(created_at__gte=start)
    if end is not None:
        rows = rows.filter(created_at__lt=end)
    if signal:
        rows = rows.filter(signal=signal)
    return rows.select_related("ledger_entry", "message__session").order_by("-created_at", "-id")


def feedback_export(row: RoutingFeedback) -> dict:
    """One verdict as `/api/feedback` gives it: the router's input (the message and the
    turns it read), the tier that answered, and what the owner did."""
    entry = row.ledger_entry
    return {
        "id": row.pk,
        "created_at": row.created_at,
        "signal": row.signal,
        "tier": entry.tier,
        "asked_tier": row.asked_tier or None,
        "under_routed": row.under_routed(entry.tier),
        "ledger_entry_id": entry.pk,
        "model": entry.actual_model,
        "score": entry.score,
        "message": row.message.text,
        "context": routing_context(row.message.session, before=row.message),
    }


def escalations() -> list[dict]:
    """The latest messages the owner escalated (asked Opus, or a stronger /prefix right
    after), newest first, each with a labelled case to copy: the message, the turns the router
    read, and the tier the owner asked for as the expected one."""
    stronger_prefix = Q(pk__in=[])
    for low, tier in enumerate(TIERS):
        for high in TIERS[low + 1 :]:
            stronger_prefix |= Q(signal=Signal.PREFIX, ledger_entry__tier=tier, asked_tier=high)
    rows = feedback_rows().filter(Q(signal=Signal.ASK_OPUS) | stronger_prefix)
    found = []
    for row in rows[:ESCALATIONS_SHOWN]:
        exported = feedback_export(row)
        case = {
            "message": exported["message"],
            "context": exported["context"],
            "expected": exported["asked_tier"],
        }
        case_line = json.dumps(case, ensure_ascii=False)
        found.append({**exported, "label": row.get_signal_display(), "case": case_line})
    return found
