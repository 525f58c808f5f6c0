"""What the tests need running on this machine, started when it is installed but down.

PostgreSQL and Redis at the addresses of tests/settings.py (`DATABASE_URL` and
`REDIS_URL` when set), and Debian's Chromium for the browser tests. `make test` runs
this first, so a fresh machine needs no other step:

    .venv/bin/python -m tests.services

A server on another host, or one that is not installed here, is not started: the
message says what is down and where.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit

import redis

CHROMIUM = "/usr/bin/chromium"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
START_TIMEOUT = 30  # seconds for a started server to answer


class ServiceDown(Exception):
    """A server the tests need is down and this machine cannot start it."""


def _address(url: str, default_port: int) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port


def _wait_until(ready, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not ready():
        if time.monotonic() > deadline:
            raise ServiceDown(f"{what} was started but does not answer")
        time.sleep(0.2)


def postgres_ready(host: str, port: int) -> bool:
    """Accepting connections (not merely listening while it starts up)."""
    if shutil.which("pg_isready"):
        check = ["pg_isready", "-q", "-h", host, "-p", str(port), "-t", "1"]
        return subprocess.run(check, check=False).returncode == 0
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def cluster_on_port(clusters: str, port: int) -> tuple[str, str] | None:
    """(version, name) of the cluster that `pg_lsclusters --no-header` lists on `port`."""
    for line in clusters.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[2] == str(port):
            return fields[0], fields[1]
    return None


def postgres_ensure(url: str) -> bool:
    """Start the local PostgreSQL cluster that serves `url` if it is down; True if started."""
    host, port = _address(url, 5432)
    if postgres_ready(host, port):
        return False
    where = f"PostgreSQL at {host}:{port} is down"
    if host not in LOCAL_HOSTS or not shutil.which("pg_lsclusters"):
        raise ServiceDown(f"{where}: start it, or point DATABASE_URL at one that runs")
    listed = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    )
    cluster = cluster_on_port(listed.stdout, port)
    if cluster is None:
        raise ServiceDown(f"{where}, and no cluster of this machine listens on {port}")
    print(f"Starting PostgreSQL {cluster[0]}/{cluster[1]} on port {port}", flush=True)
    start = ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "start"]
    subprocess.run(start, check=True)
    _wait_until(lambda: postgres_ready(host, port), f"PostgreSQL on port {port}")
    return True


def redis_ready(host: str, port: int) -> bool:
    client = redis.Redis(host=host, port=port, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def redis_ensure(url: str) -> bool:
    """Start a Redis that keeps nothing on disk on `url`'s port if it is down; True if
    started."""
    host, port = _address(url, 6379)
    if redis_ready(host, port):
        return False
    where = f"Redis at {host}:{port} is down"
    if host not in LOCAL_HOSTS or not shutil.which("redis-server"):
        raise ServiceDown(f"{where}: start it, or point REDIS_URL at one that runs")
    print(f"Starting Redis on port {port}", flush=True)
    scratch = tempfile.gettempdir()
    subprocess.run(
        ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1"]
        + ["--port", str(port), "--save", "", "--appendonly", "no", "--dir", scratch]
        + ["--logfile", os.path.join(scratch, f"redis-{port}.log")],
        check=True,
    )
    _wait_until(lambda: redis_ready(host, port), f"Redis on port {port}")
    return True


def chromium_ensure() -> bool:
    """Install Debian's Chromium if it is missing (Playwright cannot download browsers
    here); True if installed."""
    if os.access(CHROMIUM, os.X_OK):
        return False
    if not shutil.which("apt-get"):
        raise ServiceDown(f"The browser tests need Chromium at {CHROMIUM}")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("Installing Chromium", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    install = [*sudo, "apt-get", "install", "-y", "-qq", "chromium"]
    subprocess.run(install, check=True, env=env, stdout=subprocess.DEVNULL)
    return True


def main() -> None:
    import tests.settings  # noqa: F401 (sets the default DATABASE_URL and REDIS_URL)

    try:
        postgres_ensure(os.environ["DATABASE_URL"])
        redis_ensure(os.environ["REDIS_URL"])
        chromium_ensure()
    except (ServiceDown, subprocess.CalledProcessError) as exc:
        sys.exit(str(exc))


if __name__ == "__main__":
    main()
