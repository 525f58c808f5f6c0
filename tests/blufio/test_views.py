"""/healthz: the database and the broker decide 200 or 503; a worker, beat and the sweeper
are reported, each on its own."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from blufio import health
from blufio.inbox.sweeper import BEAT_JOB, SWEEP_JOB
from blufio.models import JobRun


@pytest.fixture(autouse=True)
def _no_kept_worker_answer(monkeypatch):
    monkeypatch.setattr(health, "_worker_answer", (0.0, "down"))


@pytest.fixture
def broker_down(switch_broker):
    switch_broker("redis://127.0.0.1:1/0")  # nothing listens on port 1


def ran(job: str, ago: timedelta) -> None:
    JobRun.objects.update_or_create(job=job, defaults={"ran_at": timezone.now() - ago})


def every_2_seconds_from_beat() -> None:
    """Beat sends the sweep every 2 seconds (every minute in the app)."""
    every_2_seconds = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name="Sweep waiting Telegram updates",
        defaults={"task": "blufio.sweep_updates", "interval": every_2_seconds},
    )


def health_once(client, part: str, state: str, timeout: float = 60) -> dict:
    """The health report once `part` reads `state` (or the timeout passed)."""
    deadline = time.monotonic() + timeout
    while client.get("/healthz").json()[part] != state and time.monotonic() < deadline:
        time.sleep(0.5)
    return client.get("/healthz").json()


@pytest.mark.django_db
def test_without_a_worker_or_a_sweep_it_is_degraded_but_answers_200(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "broker": "ok",
        "worker": "down",
        "beat": "stale",
        "sweeper": "stale",
        "anthropic": "configured",
        "telegram": "configured",
        "local_model": "not set (optional)",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("part, job", [("beat", BEAT_JOB), ("sweeper", SWEEP_JOB)])
def test_a_run_a_minute_ago_is_ok_and_four_minutes_ago_is_stale(client, part, job):
    ran(job, timedelta(minutes=1))
    assert client.get("/healthz").json()[part] == "ok"

    ran(job, timedelta(minutes=4))
    assert client.get("/healthz").json()[part] == "stale"


@pytest.mark.django_db
def test_the_workers_answer_is_kept_a_few_seconds(client, monkeypatch):
    pings = []
    monkeypatch.setattr(health.celery_app.control, "ping", lambda timeout: pings.append(1))

    for _ in range(3):
        assert client.get("/healthz").json()["worker"] == "down"

    assert len(pings) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_beat_without_a_worker_is_told_apart_and_a_stopped_worker_shows_within_15_seconds(
    client, start_worker, start_beat
):
    every_2_seconds_from_beat()
    start_beat()

    body = health_once(client, "beat", "ok")  # beat sends the sweep; no worker runs it
    assert (body["status"], body["worker"], body["beat"], body["sweeper"]) == (
        "degraded",
        "down",
        "ok",
        "stale",
    )

    worker = start_worker(pool="prefork", concurrency=1)
    body = health_once(client, "status", "ok")
    assert (body["status"], body["worker"], body["beat"], body["sweeper"]) == ("ok",) * 4

    stopped = time.monotonic()
    worker.terminate()
    worker.wait(timeout=10)
    while client.get("/healthz").json()["worker"] == "ok" and time.monotonic() - stopped < 15:
        time.sleep(0.5)

    response = client.get("/healthz")
    assert time.monotonic() - stopped < 15
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["worker"]) == ("degraded", "down")


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_is_down(client, broker_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["broker"] == "down"
    assert response.json()["worker"] == "down"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_it_names_missing_credentials_without_showing_them(client, settings):
    settings.ANTHROPIC_API_KEY = ""

    body = client.get("/healthz").json()

    assert body["anthropic"] == "ANTHROPIC_API_KEY not set"
    assert "TEST-TOKEN" not in str(body)
