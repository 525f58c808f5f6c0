"""Hooks for apps built on the agent (heartbeat), so the agent never imports them.

Receivers stay thin: each calls one service function.
"""

from django.dispatch import Signal

# While a reply's context is assembled. kwargs: session. Receivers return a list of
# `blufio.context.ContextNote` to show the model.
context_notes_requested = Signal()

# After a reply reached the owner. kwargs: session, user_message, assistant_message,
# notes (the ContextNotes that went into the reply).
reply_sent = Signal()

# The owner pressed an inline keyboard button. kwargs: chat_id, message_id, data.
# A receiver that owns `data` returns the short text Telegram shows as the answer.
button_pressed = Signal()
