"""Webhook load: wrk against gunicorn with PostgreSQL and Redis. Not a test: prints numbers.

Starts gunicorn on loopback against database `blufio_bench` and Redis db 14 and fires
distinct updates from 50 chats at 50 connections with wrk (Debian package), twice:

1. paced (open loop): updates arrive at a steady `--rate` a second, each on a new
   connection as Telegram's would, at most 50 at a time; latency counts from the
   moment an update was due, so a stall cannot hide (no coordinated omission). The
   generator is Python and shares the two cores: it tops out near 180 updates/s;
2. flat out: no pause, to find the most the machine acknowledges; with 50
   connections always busy, latency is mostly the queue (Little's law).

After the paced run, a Celery worker answers every stored update through the loopback
fakes, and the bench checks nothing was lost: acknowledged = stored = processed.

    .venv/bin/python bench/webhook_load.py [--seconds 15] [--connections 50] [--rate 100]
"""

import argparse
import asyncio
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


def wrk(connections: int, seconds: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
        + ["-s", str(ROOT / "bench" / "webhook_load.lua"), f"http://127.0.0.1:{PORT}"],
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


async def _post(number: int, due: float, latencies: list[float], failures: list[int]) -> None:
    chat = CHATS[number % len(CHATS)]
    body = (
        f'{{"update_id": {9_000_000_000 + number}, "message": {{"message_id": {number}, '
        f'"date": 1790000000, "chat": {{"id": {chat}, "type": "private"}}, '
        f'"from": {{"id": {chat}, "is_bot": false, "first_name": "Load"}}, '
        f'"text": "load test message"}}}}'
    ).encode()
    request = (
        f"POST /telegram/webhook/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"X-Telegram-Bot-Api-Secret-Token: bench-secret\r\nConnection: close\r\n\r\n"
    ).encode() + body
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    writer.write(request)
    status = await reader.readline()
    await reader.read()
    writer.close()
    latencies.append(time.monotonic() - due)
    if b" 200 " not in status:
        failures.append(number)


async def _open_loop(rate: int, seconds: int, connections: int) -> dict:
    latencies: list[float] = []
    failures: list[int] = []
    slots = asyncio.Semaphore(connections)
    start = time.monotonic()

    async def one(number: int) -> None:
        due = start + number / rate
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        async with slots:
            await _post(number, due, latencies, failures)

    await asyncio.gather(*(one(n) for n in range(rate * seconds)))
    took = time.monotonic() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "failed": len(failures),
        "rate": len(latencies) / took,
        "p50": f"{latencies[len(latencies) // 2] * 1000:.1f}ms",
        "p99": f"{latencies[int(len(latencies) * 0.99)] * 1000:.1f}ms",
    }


def paced(rate: int, seconds: int, connections: int) -> dict:
    return asyncio.run(_open_loop(rate, seconds, connections))


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
    parser.add_argument("--rate", type=int, default=100, help="offered updates/s when paced")
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
        steady = paced(args.rate, args.seconds, args.connections)
        paced_stored = sum(statuses().values())
        report(f"paced ({args.rate}/s offered)", steady, paced_stored)
        processed, took = process_all(env, paced_stored)
        print(
            f"  processed by one worker (2 processes) against the fakes: {processed} of "
            f"{paced_stored} in {took:.0f} s"
        )
        clear()
        flat = wrk(args.connections, args.seconds)
        report("flat out", flat, sum(statuses().values()))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
