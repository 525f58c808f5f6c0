"""Whether Blufio may write to a chat. A 403 or a 400 "chat not found"
(`ChatUnreachable`) marks the chat unreachable: nothing is sent there unprompted
(check-ins, digests), so nothing is paid for, until the owner writes again. A group is
spoken in only if the owner allowed it."""

import logging

from django.conf import settings
from django.utils import timezone

from blufio.models import AllowedGroup, ChatSession

logger = logging.getLogger(__name__)


def chat_unreachable_mark(*, chat_id: int, reason: str) -> None:
    """Record that Telegram refuses this chat, and why (kept from the first refusal)."""
    marked = ChatSession.objects.filter(chat_id=chat_id, unreachable_since__isnull=True).update(
        unreachable_since=timezone.now(), unreachable_reason=reason[:200]
    )
    if marked:
        logger.warning("Chat %s is unreachable (%s): nothing is sent unprompted", chat_id, reason)


def chat_reachable_mark(*, chat_id: int) -> None:
    """The owner wrote in this chat: it can be written to again."""
    if ChatSession.objects.filter(chat_id=chat_id, unreachable_since__isnull=False).update(
        unreachable_since=None, unreachable_reason=""
    ):
        logger.info("Chat %s is reachable again", chat_id)


def chat_allowed(session: ChatSession) -> bool:
    """A private chat with a user still in TELEGRAM_ALLOWED_USER_IDS, or a group the owner
    listed in Allowed groups: where Blufio speaks unprompted."""
    if session.private:
        return session.user_id in settings.TELEGRAM_ALLOWED_USER_IDS
    return AllowedGroup.objects.filter(chat_id=session.chat_id).exists()
