"""Receiving Telegram updates: read, classify and store them before anything else."""

import json
import logging
import math
from dataclasses import dataclass

import telegram
from django.conf import settings
from django.db import connection
from django.utils import timezone

from blufio.models import AllowedGroup, InboundUpdate

logger = logging.getLogger(__name__)

MAX_UPDATE_ID = 2**63 - 1
# Telegram's ids (chats, users, messages) fit in a signed 64-bit integer, as our columns.
ID_RANGE = range(-(2**63), 2**63)
# Telegram's updates nest about ten deep (update, message, reply, entity, user, ...).
MAX_DEPTH = 32


class UnreadableUpdate(ValueError):
    """The body is not a Telegram update."""


def _finite(literal: str) -> float:
    """`1e999` reads as Infinity; JSON (and PostgreSQL's jsonb) have no such number."""
    number = float(literal)
    if not math.isfinite(number):
        raise ValueError("a number too large for JSON")
    return number


def _not_json(constant: str) -> float:
    """Python reads NaN and Infinity; JSON (and PostgreSQL) do not."""
    raise ValueError(f"{constant} is not JSON")


def _too_deep(value: object) -> bool:
    """Whether arrays and objects nest deeper than MAX_DEPTH (counted without recursion)."""
    waiting = [(value, 1)]
    while waiting:
        item, depth = waiting.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            if depth > MAX_DEPTH:
                return True
            waiting.extend((child, depth + 1) for child in item)
    return False


def update_decode(body: bytes) -> object:
    """The JSON value of a webhook body, or UnreadableUpdate.

    Refused: what is not JSON, numbers JSON cannot hold (`1e999`, `NaN`), and nesting
    deeper than any update (100,000 nested arrays exhaust Python's recursion limit).
    No message says more than why, so the owner's text is never logged.
    """
    try:
        raw = json.loads(body, parse_float=_finite, parse_constant=_not_json)
    except RecursionError:
        raise UnreadableUpdate("the body nests too deeply") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError among them
        raise UnreadableUpdate(f"not JSON ({type(exc).__name__})") from None
    if _too_deep(raw):
        raise UnreadableUpdate("the body nests too deeply")
    return raw


def _ids_ok(update: telegram.Update) -> bool:
    """The chat, sender and message ids we store are integers our columns hold."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    reaction = update.message_reaction
    ids = [
        chat and chat.id,
        user and user.id,
        message and message.message_id,
        reaction and reaction.message_id,
    ]
    return all(value is None or (type(value) is int and value in ID_RANGE) for value in ids)


def update_parse(raw: object) -> telegram.Update:
    """python-telegram-bot's `Update` for a decoded JSON body, or UnreadableUpdate."""
    if not isinstance(raw, dict):
        raise UnreadableUpdate("the body is not a JSON object")
    update_id = raw.get("update_id")
    if type(update_id) is not int or not 0 <= update_id <= MAX_UPDATE_ID:
        raise UnreadableUpdate("update_id is missing or not a valid integer")
    try:
        update = telegram.Update.de_json(dict(raw), None)
    # OverflowError and OSError: a date too far off for the platform's clock.
    except (AttributeError, KeyError, TypeError, ValueError, OverflowError, OSError) as exc:
        raise UnreadableUpdate(f"not a Telegram update ({type(exc).__name__})") from exc
    if not _ids_ok(update):
        raise UnreadableUpdate("a chat, user or message id is not a 64-bit integer")
    return update


def storable_json(raw: dict) -> str:
    """The update's JSON text, as PostgreSQL can store it.

    JSON allows a lone UTF-16 surrogate ("\\ud800") and a NUL ("\\u0000"); UTF-8
    refuses the first and PostgreSQL's jsonb the second: both become U+FFFD.
    """
    text = json.dumps(raw, ensure_ascii=False)  # control characters stay escaped
    try:
        text.encode("utf-8")
        if "\\u0000" not in text:
            return text
    except UnicodeEncodeError:
        pass
    return json.dumps(_replace_unstorable(raw), ensure_ascii=False)


def _replace_unstorable(value: object) -> object:
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_replace_unstorable(key): _replace_unstorable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_unstorable(item) for item in value]
    return value


def update_kind(update: telegram.Update) -> str:
    """What the update asks of us.

    `text` and `non_text` (a photo, a sticker, …) are messages from an allowed
    user and get an answer; `button` is the owner pressing a button under one of our
    messages; `reaction` is the owner changing a reaction on a message (a verdict on a
    reply); `stranger` is any of these from anyone else; `group` is any in a group chat
    that is not an allowed group (admin); `unsupported` is every other update type
    (edits, channel posts, inline queries, anonymous reactions, …).
    """
    query, reaction = update.callback_query, update.message_reaction
    if reaction is not None:
        if reaction.user is None:
            return "unsupported"
        if reaction.user.id not in settings.TELEGRAM_ALLOWED_USER_IDS:
            return "stranger"
        kind = "reaction"
    elif query is not None:
        if query.from_user.id not in settings.TELEGRAM_ALLOWED_USER_IDS:
            return "stranger"
        if query.message is None:
            return "unsupported"
        kind = "button"
    else:
        message = update.message
        if message is None or message.from_user is None:
            return "unsupported"
        if message.from_user.id not in settings.TELEGRAM_ALLOWED_USER_IDS:
            return "stranger"
        kind = "text" if message.text else "non_text"
    return kind if chat_answered(update.effective_chat) else "group"


def chat_answered(chat: telegram.Chat) -> bool:
    """Private chats are answered; groups only when the owner allowed them in admin."""
    return chat.type == chat.PRIVATE or AllowedGroup.objects.filter(chat_id=chat.id).exists()


@dataclass(frozen=True)
class Receipt:
    """What storing an update decided."""

    update_id: int
    chat_id: int | None
    needs_answer: bool  # new, and something a worker answers


def update_receive(*, raw: dict) -> Receipt:
    """Store an update once; a duplicate `update_id` changes nothing.

    A new update that needs an answer stays `received` until a worker takes it;
    `handoff.update_enqueue` tells one (and if the broker is down, the sweeper will).
    """
    update = update_parse(raw)
    kind = update_kind(update)
    needs_answer = kind in ("text", "non_text", "button", "reaction")
    chat_id = update.effective_chat.id if update.effective_chat else None
    now = timezone.now()
    status = InboundUpdate.Status.RECEIVED if needs_answer else InboundUpdate.Status.IGNORED
    with connection.cursor() as cursor:  # one statement, one round trip, no error to recover
        result = "" if needs_answer else kind
        values = [update.update_id, storable_json(raw), chat_id, status, result, now, now]
        cursor.execute(_INSERT, values)
        stored = cursor.fetchone() is not None
    if not stored:
        logger.info("Update %s was delivered again; ignoring the copy", update.update_id)
    elif kind == "stranger":
        logger.warning(
            "Ignoring update %s from user %s, who is not in TELEGRAM_ALLOWED_USER_IDS",
            update.update_id,
            update.effective_user.id,
        )
    elif kind == "group":
        logger.info(
            "Ignoring update %s in group %s, not an allowed group", update.update_id, chat_id
        )
    elif kind == "unsupported":
        logger.info("Ignoring update %s: not a message, button press or reaction", update.update_id)
    return Receipt(update.update_id, chat_id, needs_answer=stored and needs_answer)


_INSERT = """
    INSERT INTO blufio_inboundupdate
        (update_id, raw, chat_id, status, result, attempts, last_error, received_at, updated_at)
    VALUES (%s, %s, %s, %s, %s, 0, '', %s, %s)
    ON CONFLICT (update_id) DO NOTHING
    RETURNING 1
"""
