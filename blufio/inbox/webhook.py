"""The Telegram webhook: check the secret, store the update, acknowledge, then hand it on."""

import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from blufio.inbox.handoff import update_enqueue
from blufio.inbox.updates import UnreadableUpdate, update_decode, update_receive

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's updates are a few kilobytes (a message is at most 4,096 characters).
MAX_UPDATE_BYTES = 256 * 1024


class AcknowledgedThen(JsonResponse):
    """Telegram's `{"ok": true}`, and work to do once it has been sent.

    WSGI and ASGI servers call `close()` after the last byte is written, so the time
    `then` takes is not part of Telegram's wait.
    """

    def __init__(self, then: Callable[[], None]):
        super().__init__({"ok": True})
        self._then = then

    def close(self) -> None:
        super().close()
        self._then()


def _secret_ok(request: HttpRequest) -> bool:
    """Whether the request carries the configured secret (DESIGN.md: else 403). Without
    one configured, nothing does, in debug too: `set_webhook` will not register the
    webhook without a secret, so only a stranger's request could come."""
    expected = settings.TELEGRAM_WEBHOOK_SECRET
    if not expected:
        logger.error("Refusing webhook: TELEGRAM_WEBHOOK_SECRET is not set")
        return False
    given = request.headers.get(SECRET_HEADER, "")
    return secrets.compare_digest(given.encode(), expected.encode())


@csrf_exempt
@require_POST
def telegram_webhook(request: HttpRequest) -> HttpResponse:
    """Store the update and acknowledge it; then hand it to a worker, which replies.

    The acknowledgement waits only for the database: a stored update is never lost,
    and publishing to the broker happens after Telegram has its answer.
    """
    if not _secret_ok(request):
        return JsonResponse({"ok": False, "error": "forbidden"}, status=403)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = MAX_UPDATE_BYTES + 1
    if declared > MAX_UPDATE_BYTES:  # refused before the body is read
        logger.warning("Refusing a %s-byte webhook body", declared)
        return JsonResponse({"ok": False, "error": "body too large"}, status=413)
    try:
        receipt = update_receive(raw=update_decode(request.body))
    except UnreadableUpdate as exc:
        logger.warning("Unreadable webhook body: %s", exc)
        return JsonResponse({"ok": False, "error": "unreadable update"}, status=400)
    if receipt.needs_answer:
        return AcknowledgedThen(lambda: update_enqueue(receipt.update_id, receipt.chat_id))
    return JsonResponse({"ok": True})
