"""Webhook load: wrk against gunicorn with PostgreSQL and Redis. Not a test: prints numbers.

Starts gunicorn (4 workers) on loopback against database `blufio_bench` and Redis
db 14, fires distinct updates at 50 connections for 15 s with wrk (Debian package),
then checks nothing was lost: every acknowledged update is stored and queued.

    .venv/bin/python bench/webhook_load.py [--seconds 15] [--connections 50]
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DB_URL = "postgres://postgres@127.0.0.1:5432/blufio_bench"
REDIS_URL = "redis://127.0.0.1:6379/14"
PORT = 8765


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    from webhook_reply import ensure_database

    ensure_database()
    env = {
        **os.environ,
        "DATABASE_URL": DB_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "blufio.settings",
        "DJANGO_SECRET_KEY": "bench-only-secret-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "TELEGRAM_WEBHOOK_SECRET": "bench-secret",
        "TELEGRAM_ALLOWED_USER_IDS": "1001",
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    clear = "from blufio.models import InboundUpdate as U; U.objects.all().delete()"
    subprocess.run([python, "manage.py", "shell", "-c", clear], cwd=ROOT, env=env, check=True)
    import redis

    queue = redis.Redis.from_url(REDIS_URL)
    queue.flushdb()
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "blufio.wsgi:application",
            "--workers",
            "4",
            "--preload",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
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
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{args.connections}",
                f"-d{args.seconds}s",
                "--latency",
                "-s",
                str(ROOT / "bench" / "webhook_load.lua"),
                f"http://127.0.0.1:{PORT}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = int(errors.group(1)) if errors else 0
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
    p50 = re.search(r"50%\s+(\S+)", out).group(1)
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    count = "from blufio.models import InboundUpdate as U; print(U.objects.count())"
    stored = int(
        subprocess.run(
            [python, "manage.py", "shell", "-c", count],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-1]
    )
    queued = queue.llen("celery")
    print(f"{args.connections} connections, {args.seconds} s: {rate} acknowledged updates/s")
    print(f"latency p50 {p50}  p99 {p99}")
    print(
        f"sent {requests}, non-2xx {failed}, stored {stored}, queued for workers {queued}, "
        f"lost {requests - failed - stored}"
    )


if __name__ == "__main__":
    main()
