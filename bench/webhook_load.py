"""Webhook load: wrk against gunicorn with PostgreSQL and Redis. Not a test: prints numbers.

Starts gunicorn on loopback against database `blufio_bench` and Redis db 14 and fires
distinct updates from 50 chats at 50 connections with wrk (Debian package), twice:

1. paced (open loop): updates arrive at a steady `--rate` a second, each on a new
   connection, at most 50 at a time; latency counts from the moment an update was
   due, so a stall cannot hide (no coordinated omission). The generator is one
   Python thread with a selector; it shares the two cores (about 12% of one at
   500/s). Two seconds at the same rate warm the server up first, uncounted;
2. flat out (wrk): no pause, to find the most the machine acknowledges; with 50
   connections always busy, latency is mostly the queue (Little's law).

After the paced run, a Celery worker answers every stored update through the loopback
fakes, and the bench checks nothing was lost: acknowledged = stored = processed. The
web tier's CPU time per update is printed too.

    .venv/bin/python bench/webhook_load.py [--seconds 10] [--connections 50] [--rate 500]
"""

import argparse
import gc
import os
import re
import selectors
import shutil
import signal
import socket
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
    """Empty the tables a run fills, and vacuum them so autovacuum does not run mid-test."""
    tables = (
        "heartbeat_extractionrun",
        "heartbeat_pendingitem",
        "heartbeat_checkin",
        "blufio_inboundupdate",
        "blufio_chatmessage",
        "blufio_chatsession",
        "costs_reservation",
        "costs_budgetwindow",
    )
    url = DB_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as db:
        for table in tables:
            db.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)
        db.execute(f"VACUUM ANALYZE {', '.join(tables)}")
    redis.Redis.from_url(REDIS_URL).flushdb()


def wrk(connections: int, seconds: int, first: int = 0) -> dict:
    """wrk flat out; its update ids start above `first`."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
        + ["-s", str(ROOT / "bench" / "webhook_load.lua"), f"http://127.0.0.1:{PORT}"]
        + ["--", str(first)],
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
        "p50": re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1),
        "p99": re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1),
    }


def _request(number: int) -> bytes:
    chat = CHATS[number % len(CHATS)]
    body = (
        f'{{"update_id": {9_000_000_000 + number}, "message": {{"message_id": {number}, '
        f'"date": 1790000000, "chat": {{"id": {chat}, "type": "private"}}, '
        f'"from": {{"id": {chat}, "is_bot": false, "first_name": "Load"}}, '
        f'"text": "load test message"}}}}'
    ).encode()
    return (
        f"POST /telegram/webhook/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"X-Telegram-Bot-Api-Secret-Token: bench-secret\r\nConnection: close\r\n\r\n"
    ).encode() + body


def _answered(received: bytes) -> bool:
    """Whether a whole response is in: Telegram does not wait for the close."""
    head, separator, body = received.partition(b"\r\n\r\n")
    if not separator:
        return False
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return length is not None and len(body) >= int(length.group(1))


def paced(rate: int, seconds: int, connections: int, first: int = 0) -> dict:
    """Open loop: update `first + n` is due at start + n / rate, on a new connection, at most
    `connections` at a time; its latency counts from when it was due, so a stall cannot
    hide (no coordinated omission). One thread and a selector, to leave the cores to
    the server."""
    total = rate * seconds
    requests = [_request(first + n) for n in range(total)]
    selector = selectors.DefaultSelector()
    latencies: list[float] = []
    failed = sent = in_flight = 0
    gc.disable()
    start = time.monotonic()
    while len(latencies) < total:
        now = time.monotonic()
        while sent < total and in_flight < connections and start + sent / rate <= now:
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", PORT))
            selector.register(sock, selectors.EVENT_WRITE, [start + sent / rate, sent, b""])
            sent += 1
            in_flight += 1
        waiting = sent < total and in_flight < connections
        timeout = max(0.0, start + sent / rate - now) if waiting else 1.0
        for key, _ in selector.select(timeout):
            sock, state = key.fileobj, key.data
            try:
                if state[1] is not None:  # connected: send the update
                    sock.sendall(requests[state[1]])
                    state[1] = None
                    selector.modify(sock, selectors.EVENT_READ, state)
                    continue
                chunk = sock.recv(65536)
                state[2] += chunk
                if chunk and not _answered(state[2]):
                    continue
                ok = state[2].startswith(b"HTTP/1.1 200 ")
            except OSError:
                ok = False
            latencies.append(time.monotonic() - state[0])
            failed += not ok
            selector.unregister(sock)
            sock.close()
            in_flight -= 1
    took = time.monotonic() - start
    gc.enable()
    latencies.sort()
    return {
        "requests": len(latencies),
        "failed": failed,
        "rate": len(latencies) / took,
        "p50": f"{latencies[len(latencies) // 2] * 1000:.1f}ms",
        "p99": f"{latencies[int(len(latencies) * 0.99)] * 1000:.1f}ms",
    }


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children (gunicorn and its workers)."""
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    used = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return used + sum(cpu_seconds(int(child)) for child in children)


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
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rate", type=int, default=500, help="offered updates/s when paced")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    from reply_loop import ensure_database

    ensure_database("blufio_bench")
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
        paced(args.rate, 2, args.connections, first=10**9)  # warm-up
        clear()
        used = cpu_seconds(server.pid)
        steady = paced(args.rate, args.seconds, args.connections)
        used = cpu_seconds(server.pid) - used
        paced_stored = sum(statuses().values())
        report(f"paced ({args.rate}/s offered)", steady, paced_stored)
        print(f"  gunicorn CPU: {used / steady['requests'] * 1000:.2f} ms per update")
        processed, took = process_all(env, paced_stored)
        print(
            f"  processed by one worker (2 processes) against the fakes: {processed} of "
            f"{paced_stored} in {took:.0f} s"
        )
        clear()
        flat = wrk(args.connections, args.seconds, first=10**10)
        report("flat out", flat, sum(statuses().values()))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
