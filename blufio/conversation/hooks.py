"""Hooks for apps built on the agent (heartbeat), so the agent never imports them.

Receivers stay thin: each calls one service function. The functions below send the
signals for the conversation; a failing receiver is logged and costs only its own part.
"""

import logging
from dataclasses import dataclass

from django.dispatch import Signal

from blufio.models import ChatMessage, ChatSession

logger = logging.getLogger(__name__)

# While a reply's context is assembled. kwargs: session. Receivers return a list of
# `ContextNote` to show the model.
context_notes_requested = Signal()

# After a reply reached the owner. kwargs: session, user_message, assistant_message,
# notes (the ContextNotes that went into the reply).
reply_sent = Signal()

# The owner pressed an inline keyboard button. kwargs: chat_id, message_id, data.
# A receiver that owns `data` returns the short text Telegram shows as the answer.
button_pressed = Signal()


@dataclass(frozen=True)
class ContextNote:
    """Something another app wants in the next reply (a kept check-in); `key` names it."""

    source: str
    key: int
    text: str


def context_notes_collect(session: ChatSession) -> list[ContextNote]:
    """Notes other apps want in this reply; a failing app costs its notes, not the reply."""
    notes = []
    for _, found in context_notes_requested.send_robust(sender=ChatSession, session=session):
        if isinstance(found, Exception):
            logger.error("Could not collect context notes: %r", found)
        else:
            notes.extend(found or [])
    return notes


def reply_announce(
    session: ChatSession, user_message: ChatMessage, reply: ChatMessage, *, notes: list
) -> None:
    """Tell other apps (memory) that a reply reached the owner; their failures are logged."""
    for _, error in reply_sent.send_robust(
        sender=ChatSession,
        session=session,
        user_message=user_message,
        assistant_message=reply,
        notes=notes,
    ):
        if isinstance(error, Exception):
            logger.error("A reply_sent receiver failed: %r", error)


def button_dispatch(*, chat_id: int, message_id: int, data: str) -> str | None:
    """The answer of the app that owns a pressed button, or None when no app does."""
    responses = button_pressed.send_robust(
        sender=ChatSession, chat_id=chat_id, message_id=message_id, data=data
    )
    for _, error in responses:
        if isinstance(error, Exception):
            logger.error("A button handler failed: %r", error)
    answers = [r for _, r in responses if isinstance(r, str)]
    return answers[0] if answers else None
