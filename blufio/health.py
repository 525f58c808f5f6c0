"""The health check: the database and the broker (needed), a worker, beat and the
sweeper (reported).

`/healthz` is 503 only when the database or the broker is down: without them nothing
is stored or queued. A worker that does not answer a ping, beat that has not sent the
sweep lately, or a sweep that has not run lately (no worker ran it, or it failed)
makes the status `degraded` (HTTP 200): updates wait in the database and are answered
once they are back. Beat and the sweeper are stamped apart (`JobRun`: beat when it
sends, the worker when the sweep is done), so a stopped worker does not read as beat.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from blufio.celery import app as celery_app
from blufio.clients.local import local_configured
from blufio.inbox.sweeper import BEAT_JOB, SWEEP_JOB
from blufio.models import JobRun

logger = logging.getLogger(__name__)

# A worker answers a ping within milliseconds; one that has stopped never does. The
# answer is kept a few seconds, so a stopped worker shows within about 6 s, and a
# busy health check does not ping on every request.
WORKER_PING_TIMEOUT_SECONDS = 1.0
WORKER_ANSWER_KEPT_SECONDS = 5.0
# Beat sends the sweep every minute: three minutes without a send, or a sweep, is stale.
BEAT_STALE_AFTER = timedelta(minutes=3)

_worker_answer: tuple[float, str] = (0.0, "down")  # (kept until, answer), per process


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


def worker_state() -> str:
    """`ok` when at least one worker answers a ping, else `down` (kept a few seconds)."""
    global _worker_answer
    kept_until, answer = _worker_answer
    now = time.monotonic()
    if now < kept_until:
        return answer
    try:
        replies = celery_app.control.ping(timeout=WORKER_PING_TIMEOUT_SECONDS)
    except Exception as exc:
        logger.warning("Health check: could not ping the workers (%s)", type(exc).__name__)
        replies = []
    answer = "ok" if replies else "down"
    _worker_answer = (time.monotonic() + WORKER_ANSWER_KEPT_SECONDS, answer)
    return answer


def job_state(job: str) -> str:
    """`ok` when the job (beat sending the sweep, or the sweep) ran lately, else `stale`."""
    last = JobRun.objects.filter(job=job).values_list("ran_at", flat=True).first()
    fresh = last is not None and timezone.now() - last < BEAT_STALE_AFTER
    return "ok" if fresh else "stale"


def health_report() -> dict:
    """What `/healthz` shows: `status` (`ok`, `degraded` or `down`) and each part."""
    database = "ok" if _database_ok() else "down"
    broker = "ok" if _broker_ok() else "down"
    checks = {
        "database": database,
        "broker": broker,
        "worker": worker_state() if broker == "ok" else "down",
        "beat": job_state(BEAT_JOB) if database == "ok" else "stale",
        "sweeper": job_state(SWEEP_JOB) if database == "ok" else "stale",
        "anthropic": "configured" if settings.ANTHROPIC_API_KEY else "ANTHROPIC_API_KEY not set",
        "telegram": "configured" if settings.TELEGRAM_BOT_TOKEN else "TELEGRAM_BOT_TOKEN not set",
        "local_model": "configured" if local_configured() else "not set (optional)",
    }
    if "down" in (database, broker):
        status = "down"
    elif (checks["worker"], checks["beat"], checks["sweeper"]) == ("ok", "ok", "ok"):
        status = "ok"
    else:
        status = "degraded"
    return {"status": status, **checks}
