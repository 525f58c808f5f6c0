"""`make test` starts the PostgreSQL and Redis the tests use when they are down."""

import shutil
import socket

import pytest
import redis

from tests import services


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(not shutil.which("redis-server"), reason="Redis is not installed here")
def test_a_stopped_redis_is_started_on_the_port_the_tests_use():
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/3"
    assert not services.redis_ready("127.0.0.1", port)

    try:
        assert services.redis_ensure(url) is True
        client = redis.Redis.from_url(url)
        assert client.ping()
        assert client.config_get("save") == {"save": ""}  # keeps nothing on disk
    finally:
        redis.Redis.from_url(url).shutdown(nosave=True)


def test_a_running_redis_is_left_alone(settings):
    assert services.redis_ensure(settings.REDIS_URL) is False


def test_a_running_postgresql_is_left_alone():
    from django.conf import settings

    database = settings.DATABASES["default"]
    url = f"postgres://{database['HOST']}:{database['PORT']}/"

    assert services.postgres_ensure(url) is False


def test_a_server_that_cannot_be_started_here_is_named(monkeypatch):
    port = _free_port()
    monkeypatch.setattr(services.shutil, "which", lambda name: None)

    with pytest.raises(services.ServiceDown, match=f"Redis at 127.0.0.1:{port} is down"):
        services.redis_ensure(f"redis://127.0.0.1:{port}/0")
    with pytest.raises(services.ServiceDown, match=f"PostgreSQL at 127.0.0.1:{port} is down"):
        services.postgres_ensure(f"postgres://postgres@127.0.0.1:{port}/blufio")


def test_the_cluster_to_start_is_the_one_on_the_port():
    listed = (
        "15 main 5432 down postgres /var/lib/postgresql/15/main /var/log/pg-main.log\n"
        "16 spare 5439 down postgres /var/lib/postgresql/16/spare /var/log/pg-spare.log\n"
    )

    assert services.cluster_on_port(listed, 5439) == ("16", "spare")
    assert services.cluster_on_port(listed, 5433) is None
