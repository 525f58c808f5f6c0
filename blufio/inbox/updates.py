"""Receiving Telegram updates: read, classify and store them before anything else."""

import json
import logging
from dataclasses import dataclass

import telegram
from django.conf import settings
from django.db import connection
from django.utils import timezone

from blufio.models import InboundUpdate

logger = logging.getLogger(__name__)

MAX_UPDATE_ID = 2**63 - 1


class UnreadableUpdate(ValueError):
    """The body is not a Telegram update."""


def update_parse(raw: object) -> telegram.Update:
    """python-telegram-bot's `Update` for a decoded JSON body, or UnreadableUpdate."""
    if not isinstance(raw, dict):
        raise UnreadableUpdate("the body is not a JSON object")
    update_id = raw.get("update_id")
    if type(update_id) is not int or not 0 <= update_id <= MAX_UPDATE_ID:
        raise UnreadableUpdate("update_id is missing or not a valid integer")
    try:
        return telegram.Update.de_json(dict(raw), None)
    # OverflowError and OSError: a date too far off for the platform's clock.
    except (AttributeError, KeyError, TypeError, ValueError, OverflowError, OSError) as exc:
        raise UnreadableUpdate(f"not a Telegram update ({type(exc).__name__})") from exc


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
    messages; `stranger` is either from anyone else; `unsupported` is every other
    update type (edits, channel posts, inline queries, …).
    """
    query = update.callback_query
    if query is not None:
        if query.from_user.id not in settings.TELEGRAM_ALLOWED_USER_IDS:
            return "stranger"
        return "button" if query.message is not None else "unsupported"
    message = update.message
    if message is None or message.from_user is None:
        return "unsupported"
    if message.from_user.id not in settings.TELEGRAM_ALLOWED_USER_IDS:
        return "stranger"
    return "text" if message.text else "non_text"


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
    needs_answer = kind in ("text", "non_text", "button")
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
    elif kind == "unsupported":
        logger.info("Ignoring update %s: not a message or button press", update.update_id)
    return Receipt(update.update_id, chat_id, needs_answer=stored and needs_answer)


_INSERT = """
    INSERT INTO blufio_inboundupdate
        (update_id, raw, chat_id, status, result, attempts, last_error, received_at, updated_at)
    VALUES (%s, %s, %s, %s, %s, 0, '', %s, %s)
    ON CONFLICT (update_id) DO NOTHING
    RETURNING 1
"""
