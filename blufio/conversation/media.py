"""What the owner sends besides text. Photos, images sent as files and PDFs are fetched
from Telegram within Claude's limits, checked, and become the block Claude reads; voice
notes, videos, stickers and files Claude cannot read get a short, honest answer.

Limits (checked against what Telegram says of a file before downloading it, and against
the bytes after): the Bot API lets bots download up to 20 MB; Anthropic takes an image of
at most 5 MB base64-encoded (3.75 MB of bytes) and 8000×8000 pixels, and a request of at
most 32 MB (a 20 MB PDF is 26.7 MB encoded) with at most 100 PDF pages (600 on models
with a 1M context; 100 holds on every model). What a file is comes from its bytes, not
from the type Telegram was told: Claude refuses an image whose declared type is not its
real one.

The bytes live in memory for the one call that answers the message; the message row
keeps Telegram's file id (`ChatMessage.attachment_file_id`), never the file, and "Ask
Opus" downloads it again by that id.
"""

import base64
import io
import logging
from dataclasses import dataclass

import pypdf
import telegram
from PIL import Image, UnidentifiedImageError

from blufio.clients import telegram as telegram_client
from blufio.conversation import texts
from costs.pricing import image_token_bound, pdf_token_bound
from routing.attachments import AttachmentFacts

logger = logging.getLogger(__name__)

BOT_API_DOWNLOAD_BYTES = 20_000_000
IMAGE_MAX_BYTES = 5 * 1024 * 1024 * 3 // 4
IMAGE_MAX_SIDE = 8000  # pixels
PDF_MAX_BYTES = BOT_API_DOWNLOAD_BYTES
PDF_MAX_PAGES = 100
# Of the sizes Telegram keeps of a photo, the largest whose long edge is within the
# largest native resolution Anthropic documents (Opus 4.7's 2,576 px): the API would
# scale a bigger one down anyway.
PHOTO_MAX_LONG_EDGE = 2576

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
PDF_TYPE = "application/pdf"
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp")


class AttachmentRefused(Exception):
    """What the owner sent cannot go to Claude: `reply` tells them why; `result` is the
    update's record of it."""

    def __init__(self, reply: str, result: str) -> None:
        super().__init__(result)
        self.reply = reply
        self.result = result


@dataclass(frozen=True)
class Wanted:
    """A file of the owner's worth downloading, as Telegram describes it."""

    kind: str  # "image" or "pdf", as declared
    file_id: str
    size: int | None  # bytes, if Telegram says
    name: str  # the file's name; "" for a photo

    @property
    def max_bytes(self) -> int:
        return PDF_MAX_BYTES if self.kind == "pdf" else IMAGE_MAX_BYTES


@dataclass(frozen=True)
class Attachment:
    """A checked file, ready for Claude."""

    kind: str  # "image" or "pdf", from its bytes
    media_type: str
    file_id: str
    data: bytes
    name: str
    pages: int = 0  # of a PDF
    tokens: int = 0  # an upper bound on what Claude counts for it

    @property
    def label(self) -> str:
        """How the message is kept and shown in later turns (the file is not kept)."""
        if self.kind == "pdf":
            pages = f"{self.pages} page{'s' if self.pages != 1 else ''}"
            return f"[PDF {self.name}, {pages}]" if self.name else f"[PDF, {pages}]"
        return f"[Image {self.name}]" if self.name else "[Photo]"

    def block(self) -> dict:
        """The Messages API content block: an image, or a PDF document, base64-encoded."""
        source = {
            "type": "base64",
            "media_type": self.media_type,
            "data": base64.standard_b64encode(self.data).decode("ascii"),
        }
        return {"type": "document" if self.kind == "pdf" else "image", "source": source}

    def facts(self, *, caption: str) -> AttachmentFacts:
        return AttachmentFacts(kind=self.kind, pages=self.pages, captioned=bool(caption.strip()))


def _count(value: object) -> int | None:
    """A size Telegram gave, if it is one (updates may carry anything)."""
    return value if type(value) is int and value >= 0 else None


def attachment_receive(message: telegram.Message) -> Attachment | None:
    """The photo, image or PDF of a message, downloaded and checked; None when the
    message carries nothing of the sort (a location, a poll, …).

    Raises AttachmentRefused for media Claude cannot take and for files too large, of
    an unsupported type or unreadable; a TelegramError that is not permanent when the
    download failed for now (the update is retried).
    """
    wanted = attachment_wanted(message)
    return None if wanted is None else attachment_fetch(wanted)


def attachment_again(*, kind: str, file_id: str) -> Attachment:
    """The file of a message answered before, downloaded again by Telegram's file id (the
    bytes are never kept) and checked as the first time; raises as `attachment_receive`."""
    return attachment_fetch(_checked(Wanted(kind, file_id, None, name="")))


def attachment_wanted(message: telegram.Message) -> Wanted | None:
    """What to download, decided from what Telegram says of the message's media."""
    if message.voice or message.audio:
        raise AttachmentRefused(texts.AUDIO_REPLY, "audio")
    # An animation (a GIF, sent as a video) also fills `document`: it is asked first.
    if message.video or message.video_note or message.animation:
        raise AttachmentRefused(texts.VIDEO_REPLY, "video")
    if message.sticker:
        raise AttachmentRefused(texts.STICKER_REPLY, "sticker")
    if message.photo:
        return _photo_wanted(message.photo)
    if message.document:
        return _document_wanted(message.document)
    return None


def _photo_wanted(sizes: tuple[telegram.PhotoSize, ...]) -> Wanted:
    """The largest of a photo's sizes within the limits, else the smallest."""

    def area(size: telegram.PhotoSize) -> int:
        return (_count(size.width) or 0) * (_count(size.height) or 0)

    def fits(size: telegram.PhotoSize) -> bool:
        long_edge = max(_count(size.width) or 0, _count(size.height) or 0)
        return long_edge <= PHOTO_MAX_LONG_EDGE and (_count(size.file_size) or 0) <= IMAGE_MAX_BYTES

    chosen = max(filter(fits, sizes), key=area, default=None) or min(sizes, key=area)
    return _checked(Wanted("image", chosen.file_id, _count(chosen.file_size), name=""))


def _document_wanted(document: telegram.Document) -> Wanted:
    """A file: a PDF or an image by its type or name, else not one Claude reads."""
    mime = document.mime_type if isinstance(document.mime_type, str) else ""
    name = document.file_name if isinstance(document.file_name, str) else ""
    mime, extension = mime.lower(), name.lower()
    if mime == PDF_TYPE or (not mime and extension.endswith(".pdf")):
        kind = "pdf"
    elif mime in IMAGE_TYPES.values() or (not mime and extension.endswith(IMAGE_EXTENSIONS)):
        kind = "image"
    else:
        raise AttachmentRefused(texts.UNSUPPORTED_FILE_REPLY, "attachment_unsupported")
    return _checked(Wanted(kind, document.file_id, _count(document.file_size), name=name[:100]))


def _checked(wanted: Wanted) -> Wanted:
    if not isinstance(wanted.file_id, str) or not wanted.file_id:
        raise AttachmentRefused(texts.DOWNLOAD_FAILED_REPLY, "attachment_unavailable")
    if wanted.size is not None and wanted.size > wanted.max_bytes:
        raise _too_large(wanted, size=wanted.size)
    return wanted


def _too_large(wanted: Wanted, *, size: int | None) -> AttachmentRefused:
    reply = texts.file_too_large_text(
        size=size, limit=wanted.max_bytes, image=wanted.kind == "image" and bool(wanted.name)
    )
    return AttachmentRefused(reply, "attachment_too_large")


def attachment_fetch(wanted: Wanted) -> Attachment:
    """Download the file (Telegram's size is checked first) and check what it holds."""
    try:
        data = telegram_client.file_download(wanted.file_id, max_bytes=wanted.max_bytes)
    except telegram_client.FileTooLarge as exc:
        raise _too_large(wanted, size=exc.size) from exc
    except telegram_client.TelegramError as exc:
        if not exc.permanent:
            raise
        logger.warning("Could not download a file the owner sent: %s", exc)
        raise AttachmentRefused(texts.DOWNLOAD_FAILED_REPLY, "attachment_unavailable") from exc
    if data.startswith(b"%PDF-"):
        return _pdf(wanted, data)
    return _image(wanted, data)


def _pdf(wanted: Wanted, data: bytes) -> Attachment:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise AttachmentRefused(texts.ENCRYPTED_PDF_REPLY, "attachment_encrypted")
        pages = len(reader.pages)
    except AttachmentRefused:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        logger.info("Could not read a PDF the owner sent (%s)", type(exc).__name__)
        raise AttachmentRefused(texts.UNREADABLE_FILE_REPLY, "attachment_unreadable") from exc
    if pages == 0:
        raise AttachmentRefused(texts.UNREADABLE_FILE_REPLY, "attachment_unreadable")
    if pages > PDF_MAX_PAGES:
        reply = texts.pdf_too_many_pages_text(pages=pages, limit=PDF_MAX_PAGES)
        raise AttachmentRefused(reply, "attachment_too_large")
    return Attachment(
        kind="pdf",
        media_type=PDF_TYPE,
        file_id=wanted.file_id,
        data=data,
        name=wanted.name,
        pages=pages,
        tokens=pdf_token_bound(pages),
    )


def _image(wanted: Wanted, data: bytes) -> Attachment:
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header, not the pixels
            image_format, (width, height) = image.format, image.size
    except Image.DecompressionBombError as exc:  # far more pixels than IMAGE_MAX_SIDE allows
        reply = texts.image_too_many_pixels_text(size=None, limit=IMAGE_MAX_SIDE)
        raise AttachmentRefused(reply, "attachment_too_large") from exc
    except UnidentifiedImageError as exc:
        raise AttachmentRefused(texts.UNSUPPORTED_FILE_REPLY, "attachment_unsupported") from exc
    except Exception as exc:  # Pillow raises many kinds on a damaged header
        logger.info("Could not read an image the owner sent (%s)", type(exc).__name__)
        raise AttachmentRefused(texts.UNREADABLE_FILE_REPLY, "attachment_unreadable") from exc
    if image_format not in IMAGE_TYPES:
        raise AttachmentRefused(texts.UNSUPPORTED_FILE_REPLY, "attachment_unsupported")
    if len(data) > IMAGE_MAX_BYTES:  # a file named .pdf that is an image
        raise _too_large(Wanted("image", wanted.file_id, len(data), wanted.name), size=len(data))
    if max(width, height) > IMAGE_MAX_SIDE:
        reply = texts.image_too_many_pixels_text(size=(width, height), limit=IMAGE_MAX_SIDE)
        raise AttachmentRefused(reply, "attachment_too_large")
    return Attachment(
        kind="image",
        media_type=IMAGE_TYPES[image_format],
        file_id=wanted.file_id,
        data=data,
        name=wanted.name,
        tokens=image_token_bound(width, height),
    )
