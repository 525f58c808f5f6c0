"""The heartbeat pass: for each chat, skip without a model call unless something is due
or changed; otherwise ask Haiku, within the monthly heartbeat budget, whether a short
check-in is worth sending, and deliver it now (🔔) or with the next reply."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from blufio.clients import telegram as telegram_client
from blufio.clients.anthropic import ClaudeError
from blufio.conversation.calls import call_pay
from blufio.conversation.hooks import ContextNote
from blufio.conversation.reach import chat_allowed, chat_unreachable_mark
from blufio.models import ChatMessage, ChatSession
from costs.models import BudgetSettings, BudgetWindow, LedgerEntry
from costs.services import BudgetExhausted
from heartbeat import texts
from heartbeat.memory import item_status_set
from heartbeat.models import CheckIn, HeartbeatSettings, PendingItem
from heartbeat.rules import (
    NOTHING_TO_SAY,
    Digest,
    digest_build,
    in_quiet_hours,
    is_nothing_to_say,
    repeats,
)

logger = logging.getLogger(__name__)

CHECKIN_SYSTEM = (
    "You write Blufio's proactive check-ins to its owner on Telegram. You get the "
    "owner's pending items and a short digest, not the conversation. If an item is due "
    "or a gentle nudge would help, write one short, friendly message (at most three "
    "sentences) naming the items; never invent items or details. If nothing is worth "
    f"saying now, answer exactly {NOTHING_TO_SAY}."
)
REPEAT_WINDOW = timedelta(days=7)
MAX_BUTTON_ITEMS = 3


@dataclass(frozen=True)
class PassResult:
    session: ChatSession
    outcome: str

    def __str__(self) -> str:
        return f"chat {self.session.chat_id}: {self.outcome}"


def slot_start(now: datetime, interval_minutes: int) -> datetime:
    """The start of the time slot `now` falls in; two beats in one slot share it."""
    seconds = interval_minutes * 60
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=now.tzinfo)


def heartbeat_pass(*, now: datetime | None = None) -> list[PassResult]:
    """One heartbeat for every chat, one after the other; returns what happened to each.

    A chat whose heartbeat fails is logged and reported; the pass goes on with the others.
    """
    now = now or timezone.now()
    return [
        PassResult(session, _session_heartbeat_or_failure(session, now))
        for session in ChatSession.objects.order_by("pk")
    ]


def _session_heartbeat_or_failure(session: ChatSession, now: datetime) -> str:
    try:
        return session_heartbeat(session_id=session.pk, now=now)
    except Exception as exc:
        logger.exception("The heartbeat of chat %s failed", session.chat_id)
        return f"failed ({type(exc).__name__})"


def session_heartbeat(*, session_id: int, now: datetime) -> str:
    """The heartbeat of one chat at `now` (the pass's time, shared by all its chats)."""
    settings = HeartbeatSettings.get_solo()
    if not settings.enabled:
        return "skipped (disabled)"
    if not django_settings.ANTHROPIC_API_KEY:
        return "skipped (ANTHROPIC_API_KEY is not set)"
    zone = ZoneInfo(BudgetSettings.get_solo().timezone)
    local = now.astimezone(zone).time()
    if in_quiet_hours(local, start=settings.quiet_hours_start, end=settings.quiet_hours_end):
        return "skipped (quiet hours)"
    session = ChatSession.objects.get(pk=session_id)
    if session.unreachable_since is not None:
        return "skipped (chat unreachable)"
    if not chat_allowed(session):
        return "skipped (user not allowed)" if session.private else "skipped (group not allowed)"
    return checkin_attempt(session, settings=settings, zone=zone, now=now)


def checkin_attempt(
    session: ChatSession, *, settings: HeartbeatSettings, zone: ZoneInfo, now: datetime
) -> str:
    """Past the quiet hours: skip unless something is due or changed, else claim the slot
    and run the check-in. A short line saying what it did."""
    idle_since = now - timedelta(days=settings.idle_after_days)
    idle = session.last_message_at is None or session.last_message_at < idle_since
    items = PendingItem.objects.filter(session=session, status__in=PendingItem.PENDING)
    pending = {item.pk: item for item in items}
    digest = digest_build(
        list(pending.values()),
        now=now,
        zone=zone,
        last_exchange=session.last_message_at,
        lookahead=timedelta(minutes=settings.interval_minutes),
    )
    if idle and not digest.has_due:
        return "skipped (idle)"
    if not digest.item_ids:
        return "skipped (nothing pending)"
    last = CheckIn.objects.filter(session=session, outcome__in=CheckIn.SETTLED).first()
    if last is not None and last.digest_key == digest.key:
        return "skipped (unchanged)"
    checkin = checkin_claim(session, digest, now=now, interval_minutes=settings.interval_minutes)
    if checkin is None:
        return "skipped (already claimed)"
    return checkin_run(checkin, digest, pending, settings=settings, now=now)


def checkin_claim(
    session: ChatSession, digest: Digest, *, now: datetime, interval_minutes: int
) -> CheckIn | None:
    """The check-in of this session and time slot, if no other beat or worker has it."""
    try:
        with transaction.atomic():
            return CheckIn.objects.create(
                session=session,
                slot=slot_start(now, interval_minutes),
                created_at=now,
                digest_key=digest.key,
                digest=digest.text,
                item_ids=list(digest.item_ids),
            )
    except IntegrityError:
        return None


def checkin_run(
    checkin: CheckIn,
    digest: Digest,
    pending: dict[int, PendingItem],
    *,
    settings: HeartbeatSettings,
    now: datetime,
) -> str:
    """Ask the model about a claimed check-in, then suppress, keep or send what it says.

    `pending` holds the session's pending items by id, as the digest was built from.
    """
    session = checkin.session
    try:
        completion = call_pay(
            pool=BudgetWindow.Pool.HEARTBEAT,
            model=settings.model,
            system=CHECKIN_SYSTEM,
            messages=[{"role": "user", "content": digest.text}],
            max_tokens=settings.max_output_tokens,
            ledger={
                "feature": LedgerEntry.Feature.HEARTBEAT,
                "intended_model": settings.model,
                "session_id": session.pk,
            },
            internal=True,
        )
    except BudgetExhausted:
        _finish(checkin, CheckIn.Outcome.BUDGET)
        return "skipped (budget)"
    except ClaudeError:
        _finish(checkin, CheckIn.Outcome.FAILED)
        return "failed (Claude unavailable)"
    text = completion.text.strip()
    if is_nothing_to_say(text):
        _finish(checkin, CheckIn.Outcome.NOTHING)
        return "nothing to say"
    # Only check-ins since the due items last changed count: a snoozed item that comes
    # back, or a new item with an old name, deserves its reminder again.
    items_changed = max(pending[i].updated_at for i in digest.due_ids or digest.item_ids)
    earlier = CheckIn.objects.filter(
        session=session,
        outcome__in=(CheckIn.Outcome.SENT, CheckIn.Outcome.STORED, CheckIn.Outcome.DELIVERED),
        created_at__gte=max(now - REPEAT_WINDOW, items_changed),
    ).values_list("text", flat=True)
    if repeats(text, earlier):
        _finish(checkin, CheckIn.Outcome.SUPPRESSED, text=text)
        return "suppressed (repeat)"
    if settings.delivery == HeartbeatSettings.Delivery.ON_NEXT_MESSAGE:
        _finish(checkin, CheckIn.Outcome.STORED, text=text)
        return "stored"
    shown = texts.checkin_shown(text)
    try:
        message_ids = telegram_client.send_markdown(
            session.chat_id, shown, buttons=checkin_buttons(digest, pending)
        )
    except telegram_client.TelegramError as exc:
        logger.warning("Could not send a check-in to chat %s: %s", session.chat_id, exc)
        _finish(checkin, CheckIn.Outcome.UNDELIVERED, text=text)
        if isinstance(exc, telegram_client.ChatUnreachable):
            chat_unreachable_mark(chat_id=session.chat_id, reason=str(exc))
            return "failed (chat unreachable)"
        return "failed (Telegram refused)"
    # In the history, so a reply to it ("done!") reads in context.
    ChatMessage.objects.create(
        session=session,
        role=ChatMessage.Role.ASSISTANT,
        text=shown,
        model=completion.model,
        output_tokens=completion.usage.output_tokens,
        telegram_message_id=message_ids[-1] if message_ids else None,
    )
    _finish(
        checkin,
        CheckIn.Outcome.SENT,
        text=text,
        telegram_message_id=message_ids[-1] if message_ids else None,
        delivered_at=timezone.now(),
    )
    return "sent"


def _finish(checkin: CheckIn, outcome: str, **fields) -> None:
    CheckIn.objects.filter(pk=checkin.pk).update(outcome=outcome, **fields)


def checkin_buttons(digest: Digest, pending: dict[int, PendingItem]) -> telegram_client.Buttons:
    """A ✅ done and ⏰ snooze pair for each of the first items the check-in is about."""
    return [_item_buttons(pending[item_id]) for item_id in digest.item_ids[:MAX_BUTTON_ITEMS]]


def _item_buttons(item: PendingItem) -> list[tuple[str, str]]:
    done, snooze = texts.item_button_labels(item.text)
    return [(done, f"item:{item.pk}:done"), (snooze, f"item:{item.pk}:snooze")]


def button_press(*, chat_id: int, message_id: int, data: str) -> str | None:
    """Act on a check-in button; the notice to show, or None if the button is not ours.

    The pressed item's buttons leave the message, so each can be used once.
    """
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != "item" or not parts[1].isdigit():
        return None
    action = parts[2]
    if action not in ("done", "snooze"):
        return None
    item = PendingItem.objects.filter(pk=int(parts[1]), session__chat_id=chat_id).first()
    if item is None:
        return texts.ITEM_GONE
    status = PendingItem.Status.DONE if action == "done" else PendingItem.Status.SNOOZED
    changed = item_status_set(item_id=item.pk, session_id=item.session_id, status=status)
    _remove_item_buttons(chat_id, message_id, item.pk)
    if not changed:
        return texts.item_already(item.get_status_display(), item.text)
    if status == PendingItem.Status.DONE:
        return texts.item_done(item.text)
    return texts.item_snoozed(item.text)


def _remove_item_buttons(chat_id: int, message_id: int, item_id: int) -> None:
    """Keep buttons only for the check-in's items that are still open."""
    checkin = CheckIn.objects.filter(
        session__chat_id=chat_id, telegram_message_id=message_id
    ).first()
    shown = checkin.item_ids[:MAX_BUTTON_ITEMS] if checkin else [item_id]
    still_open = PendingItem.objects.in_bulk([i for i in shown if i != item_id], field_name="pk")
    buttons = [
        _item_buttons(still_open[i])
        for i in shown
        if i in still_open and still_open[i].status == PendingItem.Status.OPEN
    ]
    try:
        telegram_client.set_buttons(chat_id, message_id, buttons or None)
    except telegram_client.TelegramError as exc:
        logger.info("Could not update the check-in's buttons: %s", exc)


def kept_checkin_notes(*, session: ChatSession) -> list[ContextNote]:
    """Check-ins kept for the next reply (delivery `on_next_message`)."""
    return [
        ContextNote(source="checkin", key=pk, text=text)
        for pk, text in CheckIn.objects.filter(session=session, outcome=CheckIn.Outcome.STORED)
        .order_by("created_at")
        .values_list("pk", "text")
    ]


def kept_checkins_delivered(*, notes: list[ContextNote]) -> int:
    """Mark the check-ins that went into a reply as delivered."""
    keys = [note.key for note in notes if note.source == "checkin"]
    return CheckIn.objects.filter(pk__in=keys, outcome=CheckIn.Outcome.STORED).update(
        outcome=CheckIn.Outcome.DELIVERED, delivered_at=timezone.now()
    )
