"""Webhook load: wrk against gunicorn with PostgreSQL and Redis. Not a test: prints numbers.

Starts gunicorn on loopback against database `blufio_bench` and Redis db 14 and fires
distinct updates from 50 chats at 50 connections with wrk (Debian package), twice:

1. paced: each connection waits between requests so that about `--rate` updates a
   second arrive (wrk's delay hook); latency then shows the service time under a
   steady load, as Telegram delivers it;
2. flat out: no pause, to find the most the machine acknowledges; with 50
   connections always busy, latency is mostly the queue (Little's law).

After the paced run, a Celery worker answers every stored update through the loopback
fakes, and the bench checks nothing was lost: acknowledged = stored = processed.

    .venv/bin/python bench/webhook_load.py [--seconds 15] [--connections 50] [--rate 500]
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DB_URL = "postgres://postgres@127.0.0.1:5432/blufio_bench"
REDIS_URL = "redis://127.0.0.1:6379/14"
PORT = 8765
CHATS = [str(1001 + n) for n in range(50)]


def settings_env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": DB_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "blufio.settings",
        "DJANGO_SECRET_KEY": "bench-only-secret-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "TELEGRAM_WEBHOOK_SECRET": "bench-secret",
        "TELEGRAM_ALLOWED_USER_IDS": ",".join(CHATS),
    }


def statuses() -> dict[str, int]:
    with psycopg.connect(DB_URL.replace("postgres://", "postgresql://")) as db:
        rows = db.execute("SELECT status, count(*) FROM blufio_inboundupdate GROUP BY status")
        return dict(rows.fetchall())


def clear() -> None:
    with psycopg.connect(DB_URL.replace("postgres://", "postgresql://")) as db:
        for table in (
            "heartbeat_extractionrun",
            "heartbeat_pendingitem",
            "heartbeat_checkin",
            "blufio_inboundupdate",
            "blufio_chatmessage",
            "blufio_chatsession",
        ):
            db.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)
        db.execute("DELETE FROM costs_reservation")
        db.execute("DELETE FROM costs_budgetwindow")
    redis.Redis.from_url(REDIS_URL).flushdb()


def wrk(connections: int, seconds: int, pace_ms: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
        + ["-s", str(ROOT / "bench" / "webhook_load.lua"), f"http://127.0.0.1:{PORT}"]
        + ["--", str(pace_ms)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {
        "requests": requests,
        "failed": int(errors.group(1)) if errors else 0,
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": re.search(r"50%\s+(\S+)", out).group(1),
        "p99": re.search(r"99%\s+(\S+)", out).group(1),
    }


def report(label: str, result: dict, stored: int) -> None:
    acknowledged = result["requests"] - result["failed"]
    print(
        f"{label}: {result['rate']:.0f} acknowledged updates/s, "
        f"p50 {result['p50']}, p99 {result['p99']}; "
        f"acknowledged {acknowledged}, non-2xx {result['failed']}, stored {stored}, "
        f"lost {max(0, acknowledged - stored)}"
    )


def process_all(env: dict, expected: int, timeout: float = 600) -> tuple[int, float]:
    """Answer every stored update with a real worker against the loopback fakes."""
    from tests.fakes.anthropic import FakeAnthropic
    from tests.fakes.telegram import FakeTelegram

    claude, telegram = FakeAnthropic().start(), FakeTelegram().start()
    worker_env = {
        **env,
        "ANTHROPIC_API_KEY": "sk-ant-bench",
        "ANTHROPIC_BASE_URL": claude.url,
        "TELEGRAM_BOT_TOKEN": "123:BENCH",
        "TELEGRAM_API_BASE_URL": f"{telegram.url}/bot",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "blufio", "worker", "--pool=prefork"]
        + ["--concurrency=2", "--without-gossip", "--without-mingle", "-l", "warning"],
        cwd=ROOT,
        env=worker_env,
    )
    started = time.monotonic()
    try:
        while time.monotonic() - started < timeout:
            counts = statuses()
            if counts.get("done", 0) + counts.get("failed", 0) >= expected:
                break
            time.sleep(1)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        claude.stop()
        telegram.stop()
    counts = statuses()
    return counts.get("done", 0), time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rate", type=int, default=500, help="offered updates/s when paced")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    from webhook_reply import ensure_database

    ensure_database()
    env = settings_env()
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    clear()
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "blufio.wsgi:application", "--preload"]
        + ["--workers", str(args.workers), "--bind", f"127.0.0.1:{PORT}"]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        # Each connection sends one update, then waits: its share of the rate, less the
        # few milliseconds the answer takes.
        pace_ms = max(0, round(1000 * args.connections / args.rate) - 4)
        paced = wrk(args.connections, args.seconds, pace_ms)
        paced_stored = sum(statuses().values())
        report(f"paced ({args.rate}/s offered)", paced, paced_stored)
        processed, took = process_all(env, paced_stored)
        print(
            f"  processed by one worker (2 processes) against the fakes: {processed} of "
            f"{paced_stored} in {took:.0f} s"
        )
        clear()
        flat = wrk(args.connections, args.seconds, 0)
        report("flat out", flat, sum(statuses().values()))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
