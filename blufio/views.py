import json
import logging
import secrets

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from blufio.celery import app as celery_app
from blufio.updates import UnreadableUpdate, update_receive

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


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
    """Store the update and answer at once; a worker replies to it."""
    if not _secret_ok(request):
        return JsonResponse({"ok": False, "error": "forbidden"}, status=403)
    try:
        raw = json.loads(request.body)
        update_receive(raw=raw)
    except (ValueError, UnreadableUpdate) as exc:
        logger.warning("Unreadable webhook body: %s", exc)
        return JsonResponse({"ok": False, "error": "unreadable update"}, status=400)
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
