"""The weekly 📊 cost digest: read from the ledger, no model call."""

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from blufio.clients import telegram as telegram_client
from blufio.conversation.reach import chat_unreachable_mark
from blufio.models import ChatSession
from costs.models import BudgetSettings, BudgetWindow
from costs.selectors import budget_status
from heartbeat.models import WeeklyDigest
from heartbeat.selectors import week_spend
from heartbeat.texts import weekly_digest_text

logger = logging.getLogger(__name__)


def last_week(now: datetime, tz_name: str) -> tuple[datetime, datetime]:
    """The seven local days that ended at the latest local midnight."""
    zone = ZoneInfo(tz_name)
    end = datetime.combine(now.astimezone(zone).date(), time.min, tzinfo=zone)
    return end - timedelta(days=7), end


def weekly_digest_send(*, now: datetime | None = None) -> list[str]:
    """Send last week's digest to each owner's private chat, once per chat and week; not
    to a chat Telegram refuses (see `reach`)."""
    now = now or timezone.now()
    tz_name = BudgetSettings.get_solo().timezone
    start, end = last_week(now, tz_name)
    week = week_spend(start=start, end=end)
    chats = ChatSession.objects.filter(  # spend is never posted to a group
        user_id__in=django_settings.TELEGRAM_ALLOWED_USER_IDS,
        private=True,
        unreachable_since__isnull=True,
    ).values_list("chat_id", flat=True)
    if week.calls == 0:
        return [f"chat {chat_id}: skipped (no calls last week)" for chat_id in chats]
    heartbeat = budget_status(pool=BudgetWindow.Pool.HEARTBEAT, now=now)
    text = weekly_digest_text(
        week, heartbeat_spent=heartbeat.spent_usd, heartbeat_cap=heartbeat.cap_usd
    )
    results = []
    for chat_id in chats:
        try:
            with transaction.atomic():
                claim = WeeklyDigest.objects.create(
                    chat_id=chat_id, week_starts_on=start.date(), text=text
                )
        except IntegrityError:
            results.append(f"chat {chat_id}: skipped (already sent)")
            continue
        try:
            telegram_client.send_text(chat_id, text)
        except telegram_client.TelegramError as exc:
            claim.delete()  # a later run may try again
            logger.warning("Could not send the weekly digest to chat %s: %s", chat_id, exc)
            if isinstance(exc, telegram_client.ChatUnreachable):
                chat_unreachable_mark(chat_id=chat_id, reason=str(exc))
            results.append(f"chat {chat_id}: failed ({exc})")
            continue
        results.append(f"chat {chat_id}: sent")
    return results
