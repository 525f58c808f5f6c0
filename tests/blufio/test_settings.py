"""Production settings pass Django's deploy checks; logins lock out; secrets stay out of logs."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.views.debug import technical_500_response

from blufio import settings as production
from tests.conftest import text_update

ROOT = Path(__file__).resolve().parents[2]  # the repository


def manage_check(*args: str, **environment: str) -> subprocess.CompletedProcess:
    """`manage.py check` under production settings, with only `environment` set of
    Django's own variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="blufio.settings", **environment)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_pass_the_deploy_checks():
    result = manage_check(
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="x7#kq!" + "v" * 20 + "-a-long-random-production-secret-9f3b",
        DJANGO_ALLOWED_HOSTS="bot.example.com",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_without_a_secret_key_production_refuses_to_start():
    result = manage_check()

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_proxy_count_that_is_not_a_whole_number_refuses_to_start():
    result = manage_check(DJANGO_DEBUG="1", DJANGO_PROXY_COUNT="one")

    assert result.returncode != 0
    assert "DJANGO_PROXY_COUNT must be a whole number" in result.stderr


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_out(client):
    User.objects.create_user("owner", password="the-right-password", is_staff=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "owner", "password": "wrong"})

    response = client.post(
        "/admin/login/?next=/dashboard/", {"username": "owner", "password": "the-right-password"}
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_no_secret_or_message_body_reaches_the_logs(
    post_update, fake_claude, fake_telegram, caplog
):
    caplog.set_level("INFO")

    post_update(text_update("my bank PIN is 4321, remind me to change it"))
    post_update(text_update("a stranger's secret", user_id=4242))

    logged = caplog.text
    for secret in ("TEST-TOKEN", "sk-ant-test-key", "test-webhook-secret", "4321", "stranger's"):
        assert secret not in logged


def test_a_persistent_database_connection_is_checked_before_it_is_reused():
    database = production.DATABASES["default"]

    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (60, True)


def test_an_sqlite_database_url_waits_for_the_write_lock_as_the_embedded_default_does(tmp_path):
    """Budget holds from the web process and a worker queue up on SQLite's write lock
    instead of failing with "database is locked"."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="blufio.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'blufio.sqlite3'}",
    )
    script = "from blufio import settings; print(settings.DATABASES['default']['OPTIONS'])"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.stdout.strip() == str({"timeout": 20, "transaction_mode": "IMMEDIATE"})


@pytest.mark.django_db
def test_static_files_are_served_compressed_under_names_cached_forever(
    staff, client, settings, tmp_path
):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = production.STORAGES  # the tests' own find files where they lie
    call_command("collectstatic", "--no-input", verbosity=0)

    page = staff.get("/dashboard/").content.decode()
    [script] = re.findall(r'src="(/static/django_htmx/htmx-2\.min\.[0-9a-f]{12}\.js)"', page)
    response = client.get(script, headers={"Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]


def file_base_url(**environment: str) -> str:
    """TELEGRAM_FILE_BASE_URL as production settings read it from `environment`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TELEGRAM_"))}
    env.update(DJANGO_DEBUG="1", **environment)
    code = "from blufio import settings; print(settings.TELEGRAM_FILE_BASE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_file_downloads_live_beside_the_bot_api_unless_set():
    assert file_base_url() == "https://api.telegram.org/file/bot"
    assert file_base_url(TELEGRAM_API_BASE_URL="http://127.0.0.1:8081/bot") == (
        "http://127.0.0.1:8081/file/bot"
    )
    assert file_base_url(TELEGRAM_FILE_BASE_URL="https://files.example/bot") == (
        "https://files.example/bot"
    )


@pytest.fixture
def connection_urls(settings):
    """Connection URLs with passwords in them, spelled backwards here: the error page
    quotes the source around the failing line, this fixture's too."""
    settings.DATABASE_URL = f"postgres://blufio:{'drowssap-bd'[::-1]}@db:5432/blufio"
    settings.CELERY_BROKER_URL = f"redis://:{'drowssap-sider'[::-1]}@redis:6379/0"


def test_the_debug_error_page_hides_connection_urls_and_their_passwords(rf, connection_urls):
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        page = technical_500_response(rf.get("/"), *sys.exc_info()).content.decode()

    assert "drowssap-bd"[::-1] not in page and "drowssap-sider"[::-1] not in page
    assert "DATABASE_URL" in page  # listed, its value masked
