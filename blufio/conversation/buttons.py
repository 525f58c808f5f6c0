"""The inline keyboard under a reply, and reading a press on it back.

A button's callback data names an action and the reply it acts on, with a tag only this
server can make (an HMAC under the secret key), so no client can forge data that spends;
the action then checks the reply's state again in the database (a stale button gets a
short answer, not a call). Other apps' buttons (check-ins) use their own data.

A new reply button is its action name in ACTIONS, a line in `reply_keyboard` saying when
it shows, and its handler in `reply.REPLY_ACTIONS`.
"""

import base64
from dataclasses import dataclass

from django.utils.crypto import constant_time_compare, salted_hmac

from blufio.clients.telegram import Buttons
from blufio.conversation import texts
from blufio.models import ChatMessage

CONTINUE = "continue"
ASK_OPUS = "opus"
ACTIONS = (CONTINUE, ASK_OPUS)
ASK_OPUS_TIER = "opus"  # the tier "Ask Opus" asks
_SALT = "blufio.conversation.buttons"
_TAG_CHARS = 16  # 96 bits of the HMAC: callback data may be at most 64 bytes


@dataclass(frozen=True)
class Press:
    """A verified press: what to do, and to which reply."""

    action: str
    reply_id: int


def _tag(action: str, reply_id: int) -> str:
    digest = salted_hmac(_SALT, f"{action}:{reply_id}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:_TAG_CHARS]


def button_data(action: str, reply: ChatMessage) -> str:
    return f"{action}:{reply.pk}:{_tag(action, reply.pk)}"


def button_read(data: str) -> Press | None:
    """The press the data stands for, or None when it is not a reply button of ours (another
    app's, or forged)."""
    action, _, rest = data.partition(":")
    reply_id, _, tag = rest.partition(":")
    if action not in ACTIONS or not reply_id.isdigit() or len(reply_id) > 18:
        return None
    if not constant_time_compare(tag, _tag(action, int(reply_id))):
        return None
    return Press(action=action, reply_id=int(reply_id))


def continue_offered(reply: ChatMessage) -> bool:
    """A reply cut at its tier's max_tokens can be continued, once."""
    if reply.stop_reason != "max_tokens":
        return False
    return not ChatMessage.objects.filter(continues=reply).exists()


def ask_opus_offered(reply: ChatMessage) -> bool:
    """A paid answer to the owner's message, not from Opus and not yet asked again (an
    answer Opus gave since took its place as the message's answer)."""
    return (
        reply.answers_id is not None
        and reply.ledger_entry_id is not None
        and reply.tier != ASK_OPUS_TIER
    )


def reply_keyboard(reply: ChatMessage) -> Buttons:
    """The buttons under a reply: one row, each button there while the reply's state
    offers it, so the same call rebuilds the keyboard after a button was used."""
    row = []
    if continue_offered(reply):
        row.append((texts.CONTINUE_BUTTON, button_data(CONTINUE, reply)))
    if ask_opus_offered(reply):
        row.append((texts.ASK_OPUS_BUTTON, button_data(ASK_OPUS, reply)))
    return [row] if row else []
