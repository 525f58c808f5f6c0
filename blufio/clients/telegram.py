"""All calls to the Telegram Bot API go through here (python-telegram-bot's `Bot`).

The functions are synchronous for Celery tasks and commands; they share one `Bot`
and its connection pool per process, on an event loop in a thread of its own.
Claude's Markdown becomes plain text plus message entities (telegramify-markdown),
so no MarkdownV2 escaping can go wrong; if Telegram still refuses the entities, the
same text is sent again without them.
"""

import asyncio
import bisect
import logging
import os
import ssl
import threading
from collections.abc import Awaitable, Callable

import telegram
import telegramify_markdown
from django.conf import settings
from telegram.request import HTTPXRequest

logger = logging.getLogger(__name__)

MAX_MESSAGE_LENGTH = 4096  # UTF-16 code units, as Telegram counts them
FLOOD_RETRIES = 3
MAX_FLOOD_WAIT = 60  # seconds; a longer wait fails the send (the update can be retried)
# Telegram's words in a 400 that means the chat is gone for good (deleted, or never
# existed for this bot), as lasting as a 403.
CHAT_GONE_DESCRIPTIONS = ("chat not found",)


class TelegramError(Exception):
    """A failed Bot API call; `permanent` means retrying the same call cannot help.
    `sent_ids`: the messages of a split reply that reached the chat before it failed."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.sent_ids: list[int] = []


class TelegramNotConfigured(TelegramError):
    def __init__(self) -> None:
        super().__init__("TELEGRAM_BOT_TOKEN is not set", permanent=True)


class FileTooLarge(TelegramError):
    """A file larger than the caller takes, or than the Bot API lets bots download (20 MB)."""

    def __init__(self, size: int | None) -> None:
        super().__init__("The file is too large to download", permanent=True)
        self.size = size  # bytes, when Telegram says


class ChatUnreachable(TelegramError):
    """Telegram forbids writing to the chat (403: the owner blocked the bot, the account
    is gone, …) or says there is no such chat (400 "chat not found"): nothing sent there
    gets through until the owner writes again."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


class _Connection:
    """One `Bot`, its connection pool and the event loop they live on.

    The loop runs in a daemon thread, so any thread of the process can call through it
    and a keep-alive connection to Telegram serves every call: no new TLS handshake,
    request object or event loop per message.
    """

    def __init__(self, token: str, base_url: str, base_file_url: str) -> None:
        self.key = (token, base_url, base_file_url)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="telegram-client", daemon=True
        )
        self.thread.start()
        self.request = HTTPXRequest(
            connection_pool_size=4,
            read_timeout=10,
            connect_timeout=5,
            # Loading CA certificates takes ~40 ms: once per process, not per call.
            httpx_kwargs={"verify": ssl.create_default_context()},
        )
        self.bot = telegram.Bot(
            token,
            base_url=base_url,
            base_file_url=base_file_url,
            request=self.request,
            get_updates_request=self.request,
        )

    def run[T](self, call: Callable[[telegram.Bot], Awaitable[T]]) -> T:
        future = asyncio.run_coroutine_threadsafe(call(self.bot), self.loop)
        try:
            return future.result()
        except BaseException:
            # A time limit or an interrupt in the calling thread stops the call too.
            future.cancel()
            raise

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.request.shutdown(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


_connection: _Connection | None = None
_connection_lock = threading.Lock()


def _forget_connection() -> None:
    """A forked child has no copy of the loop's thread: it opens its own connection."""
    global _connection, _connection_lock
    _connection, _connection_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_connection)


def _bot_connection() -> _Connection:
    """The process's connection for the configured token and address (tests change them)."""
    global _connection
    key = (
        settings.TELEGRAM_BOT_TOKEN,
        settings.TELEGRAM_API_BASE_URL,
        settings.TELEGRAM_FILE_BASE_URL,
    )
    with _connection_lock:
        if _connection is None or _connection.key != key:
            if _connection is not None:
                _connection.close()
            _connection = _Connection(*key)
        return _connection


def _run[T](call: Callable[[telegram.Bot], Awaitable[T]]) -> T:
    if not settings.TELEGRAM_BOT_TOKEN:
        raise TelegramNotConfigured()
    try:
        return _bot_connection().run(call)
    except telegram.error.BadRequest as exc:
        if any(words in exc.message.lower() for words in CHAT_GONE_DESCRIPTIONS):
            raise ChatUnreachable(f"Telegram has no such chat: {exc.message}") from exc
        raise TelegramError(f"Telegram refused the request: {exc.message}", permanent=True) from exc
    except telegram.error.Forbidden as exc:
        raise ChatUnreachable(f"Telegram forbids it: {exc.message}") from exc
    except telegram.error.TelegramError as exc:
        raise TelegramError(f"Telegram call failed: {exc}", permanent=False) from exc


def _utf16_offsets(text: str) -> list[int]:
    """offsets[i] is the UTF-16 length of text[:i]."""
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + (2 if ord(char) > 0xFFFF else 1))
    return offsets


def split_message(
    text: str,
    entities: list[telegramify_markdown.MessageEntity],
    limit: int = MAX_MESSAGE_LENGTH,
) -> list[tuple[str, list[telegramify_markdown.MessageEntity]]]:
    """Cut text into chunks of at most `limit` UTF-16 units.

    Cuts after a blank line if one fits, else after a line break, else after a
    space; only a single word longer than `limit` is cut inside. Entities that
    cross a cut are clipped into both chunks, so formatting continues.
    """
    offsets = _utf16_offsets(text)
    chunks = []
    for start, end in _cuts(text, offsets, limit):
        if text[start:end].strip():
            chunks.append((text[start:end], _clipped(entities, offsets[start], offsets[end])))
    return chunks


def _cuts(text: str, offsets: list[int], limit: int) -> list[tuple[int, int]]:
    """(start, end) character ranges of at most `limit` UTF-16 units, cut where it reads best."""
    ranges: list[tuple[int, int]] = []
    start = 0
    while offsets[-1] - offsets[start] > limit:
        end = bisect.bisect_right(offsets, offsets[start] + limit) - 1
        window = text[start:end]
        cut = end
        for separator in ("\n\n", "\n", " "):
            found = window.rfind(separator)
            if found > 0:
                cut = start + found + len(separator)
                break
        ranges.append((start, cut))
        start = cut
    ranges.append((start, len(text)))
    return ranges


def _clipped(
    entities: list[telegramify_markdown.MessageEntity], low: int, high: int
) -> list[telegramify_markdown.MessageEntity]:
    """The entities overlapping UTF-16 units [low, high), clipped to them and re-based."""
    return [
        entity.copy_with(
            offset=max(entity.offset, low) - low,
            length=min(entity.offset + entity.length, high) - max(entity.offset, low),
        )
        for entity in entities
        if entity.offset < high and entity.offset + entity.length > low
    ]


def render_markdown(markdown: str) -> list[tuple[str, list[telegramify_markdown.MessageEntity]]]:
    """Claude's Markdown as Telegram-sized (text, entities) chunks."""
    try:
        text, entities = telegramify_markdown.convert(markdown)
    except Exception:
        logger.exception("Could not convert a reply's Markdown; sending it as plain text")
        text, entities = markdown, []
    return split_message(text, entities)


# Inline keyboard rows of (label, callback data) buttons.
Buttons = list[list[tuple[str, str]]]


def _keyboard(buttons: Buttons | None) -> telegram.InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return telegram.InlineKeyboardMarkup(
        [
            [telegram.InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in buttons
        ]
    )


async def _send_chunk(
    bot: telegram.Bot,
    chat_id: int,
    text: str,
    entities: list[telegramify_markdown.MessageEntity],
    **options,
) -> int:
    """Send one message; if Telegram refuses its formatting, send the same text plain."""
    if entities:
        try:
            return await _send(
                bot,
                chat_id,
                text,
                entities=[telegram.MessageEntity.de_json(e.to_dict(), bot) for e in entities],
                **options,
            )
        except telegram.error.BadRequest as exc:
            logger.warning("Telegram refused the formatting (%s); sending plain text", exc.message)
    return await _send(bot, chat_id, text, **options)


async def _send(bot: telegram.Bot, chat_id: int, text: str, **options) -> int:
    """sendMessage, waiting out Telegram's flood control (429 retry_after) a few times."""
    attempt = 0
    while True:
        try:
            message = await bot.send_message(
                chat_id,
                text,
                link_preview_options=telegram.LinkPreviewOptions(is_disabled=True),
                **options,
            )
            return message.message_id
        except telegram.error.RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
            if attempt == FLOOD_RETRIES or seconds > MAX_FLOOD_WAIT:
                raise
            logger.info("Telegram asked us to wait %.0f s before sending", seconds)
            await asyncio.sleep(seconds)
            attempt += 1


def send_markdown(
    chat_id: int,
    markdown: str,
    *,
    buttons: Buttons | None = None,
    reply_to: int | None = None,
    skip: int = 0,
) -> list[int]:
    """Send a reply written in Markdown, split as needed; returns the message ids.

    `buttons` go under the last message; the first quotes message `reply_to`, if given
    (and is sent anyway if that message is gone). The first `skip` parts reached the
    chat on an earlier attempt and are not sent again. If a part fails, the error
    carries the ids of the parts sent before it (`TelegramError.sent_ids`).
    """
    chunks = render_markdown(markdown)
    ids: list[int] = []

    async def send(bot: telegram.Bot) -> list[int]:
        for number, (text, entities) in enumerate(chunks, start=1):
            if number <= skip:
                continue
            options = {"reply_markup": _keyboard(buttons)} if number == len(chunks) else {}
            if number == 1 and reply_to is not None:
                options["reply_parameters"] = telegram.ReplyParameters(
                    reply_to, allow_sending_without_reply=True
                )
            ids.append(await _send_chunk(bot, chat_id, text, entities, **options))
        return ids

    try:
        return _run(send)
    except TelegramError as exc:
        exc.sent_ids = list(ids)
        raise


def send_draft(chat_id: int, draft_id: int, markdown: str) -> None:
    """Show an answer being written as a draft (sendMessageDraft, private chats only): the
    last Telegram-sized part of its Markdown so far, or, for "", Telegram's own
    "Thinking…" placeholder (an empty draft text, as the Bot API documents). A draft is a
    preview that lasts 30 seconds; only `send_markdown` keeps the answer. No flood wait: a
    draft refused for any reason raises, and the caller stops drafting."""
    if markdown == "":
        _run(lambda bot: bot.send_message_draft(chat_id, draft_id, ""))
        return
    chunks = render_markdown(markdown)
    if not chunks:  # only spaces so far
        return
    text, entities = chunks[-1]

    async def draft(bot: telegram.Bot) -> None:
        if entities:
            formatted = [telegram.MessageEntity.de_json(e.to_dict(), bot) for e in entities]
            try:
                await bot.send_message_draft(chat_id, draft_id, text, entities=formatted)
                return
            except telegram.error.BadRequest as exc:
                logger.info("Telegram refused a draft's formatting (%s); plain", exc.message)
        await bot.send_message_draft(chat_id, draft_id, text)

    _run(draft)


def send_text(chat_id: int, text: str) -> list[int]:
    """Send plain text (notices, command answers), split as needed."""
    chunks = split_message(text, [])

    async def send(bot: telegram.Bot) -> list[int]:
        return [await _send_chunk(bot, chat_id, chunk, []) for chunk, _ in chunks]

    return _run(send)


def send_typing(chat_id: int) -> None:
    """Show "typing…" in the chat; failing to show it is not worth an error."""
    try:
        _run(lambda bot: bot.send_chat_action(chat_id, telegram.constants.ChatAction.TYPING))
    except TelegramError as exc:
        logger.info("Could not show typing: %s", exc)


def answer_button(query_id: str, text: str) -> None:
    """Acknowledge a button press with a short notice; a stale query is not worth an error."""
    try:
        _run(lambda bot: bot.answer_callback_query(query_id, text=text[:200]))
    except TelegramError as exc:
        logger.info("Could not answer a button press: %s", exc)


def set_buttons(chat_id: int, message_id: int, buttons: Buttons | None) -> None:
    """Replace the buttons under a message (None removes them)."""
    _run(
        lambda bot: bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=_keyboard(buttons)
        )
    )


def set_webhook(*, url: str, secret: str, allowed_updates: list[str]) -> None:
    _run(
        lambda bot: bot.set_webhook(
            url, secret_token=secret or None, allowed_updates=allowed_updates
        )
    )


def set_commands(commands: list[tuple[str, str]]) -> None:
    _run(lambda bot: bot.set_my_commands([telegram.BotCommand(c, d) for c, d in commands]))


def file_download(file_id: str, *, max_bytes: int) -> bytes:
    """A file the owner sent: `getFile`, then its bytes from TELEGRAM_FILE_BASE_URL.

    Raises FileTooLarge, before fetching anything, when Telegram's size for it passes
    `max_bytes` or the Bot API's download cap, and when the bytes turn out larger.
    """

    async def fetch(bot: telegram.Bot) -> bytes:
        try:
            file = await bot.get_file(file_id)
        except telegram.error.BadRequest as exc:
            if "too big" in exc.message.lower():  # "Bad Request: file is too big"
                raise FileTooLarge(None) from exc
            raise
        if file.file_size is not None and file.file_size > max_bytes:
            raise FileTooLarge(file.file_size)
        if not file.file_path:
            raise TelegramError("Telegram gave no path to download the file", permanent=True)
        return bytes(await file.download_as_bytearray())

    data = _run(fetch)
    if len(data) > max_bytes:
        raise FileTooLarge(len(data))
    return data
