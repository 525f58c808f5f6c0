"""Project-level views: the health check."""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from blufio.celery import app as celery_app

logger = logging.getLogger(__name__)


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
