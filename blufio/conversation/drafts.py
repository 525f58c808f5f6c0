"""The answer shown while Claude writes it: Telegram drafts (sendMessageDraft), at a
bounded rate, under the notice line the final message will carry."""

import logging
import math
import secrets
import time

from blufio.clients import telegram as telegram_client
from blufio.models import ChatSession

logger = logging.getLogger(__name__)

# Telegram asks bots to send about one message a second to a chat; a draft is held to the
# same pace (a draft lasts 30 seconds, so a slow answer's stays up).
DRAFT_INTERVAL_SECONDS = 1.0


class Drafts:
    """The drafts of one reply: the first as soon as Claude's stream opens, before any
    text (the notice line alone, or Telegram's "Thinking…" placeholder: Opus thinks
    before it writes, for a second or many), then at most one per DRAFT_INTERVAL_SECONDS
    with the text written so far, all with one draft id, so Telegram animates each
    change. Every draft counts toward the pace, the first too.

    Only private chats take drafts. A draft Telegram refuses (a client that has no
    drafts, flood control, an outage) ends drafting for this reply; the final message is
    sent as without drafts.
    """

    def __init__(self, session: ChatSession) -> None:
        self.chat_id = session.chat_id
        self.on = session.private
        self.draft_id = secrets.randbelow(2**31 - 1) + 1  # any non-zero id
        self.last_at = -math.inf

    def show(self, notice: str | None, text: str) -> None:
        """Show the text written so far ("" before any) under `notice`, unless the last
        draft is too recent."""
        now = time.monotonic()
        if not self.on or now - self.last_at < DRAFT_INTERVAL_SECONDS:
            return
        self.last_at = now
        try:
            telegram_client.send_draft(
                self.chat_id,
                self.draft_id,
                f"{notice}\n\n{text}" if notice and text else notice or text,
            )
        except telegram_client.TelegramError as exc:
            logger.info("No more drafts for this reply in chat %s: %s", self.chat_id, exc)
            self.on = False
