import json
import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blufio.celery import app as celery_app
from blufio.simulation import tier_estimates
from blufio.updates import UnreadableUpdate, update_enqueue, update_receive
from routing.services import route_message

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


def _not_json(constant: str) -> float:
    """Python reads NaN and Infinity; JSON (and PostgreSQL) do not."""
    raise ValueError(f"{constant} is not JSON")


def _secret_ok(request: HttpRequest) -> bool:
    expected = settings.TELEGRAM_WEBHOOK_SECRET
    if not expected:
        if settings.DEBUG:
            return True
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
        receipt = update_receive(raw=json.loads(request.body, parse_constant=_not_json))
    except (ValueError, UnreadableUpdate) as exc:
        logger.warning("Unreadable webhook body: %s", exc)
        return JsonResponse({"ok": False, "error": "unreadable update"}, status=400)
    if receipt.needs_answer:
        return AcknowledgedThen(lambda: update_enqueue(receipt.update_id, receipt.chat_id))
    return JsonResponse({"ok": True})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("Health check: database is down")
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return True
    except Exception as exc:
        logger.warning("Health check: broker is down (%s)", type(exc).__name__)
        return False


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": "ok" if _database_ok() else "down",
        "broker": "ok" if _broker_ok() else "down",
        "anthropic": "configured" if settings.ANTHROPIC_API_KEY else "ANTHROPIC_API_KEY not set",
        "telegram": "configured" if settings.TELEGRAM_BOT_TOKEN else "TELEGRAM_BOT_TOKEN not set",
    }
    healthy = checks["database"] == "ok" and checks["broker"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503
    )


BUDGET_LEVELS = [("0", "0%"), ("0.5", "50%"), ("0.85", "85%"), ("0.96", "96%"), ("1", "100%")]
PLAYGROUND = "dashboard/playground.html"


@staff_member_required
@require_http_methods(["GET", "POST"])
def playground(request: HttpRequest) -> HttpResponse:
    """What tier a typed message would get, and why; no model is called."""
    message = request.POST.get("message", "")[:100_000]
    budget_used = request.POST.get("budget_used", "0")
    if budget_used not in dict(BUDGET_LEVELS):
        budget_used = "0"
    context = {"message": message, "budget_used": budget_used, "budget_levels": BUDGET_LEVELS}
    if message.strip():
        decision = route_message(message=message, budget_used=float(budget_used))
        context["decision"] = decision
        context["estimates"] = tier_estimates(decision.text or message)
    if request.htmx:
        return render(request, PLAYGROUND + "#result", context)
    return render(request, PLAYGROUND, context)
