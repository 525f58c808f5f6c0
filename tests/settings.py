"""Test settings: PostgreSQL and Redis on this machine, fakes for Claude and Telegram."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/blufio")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key")

from blufio.settings import *  # noqa: E402,F403

CELERY_TASK_ALWAYS_EAGER = True
ANTHROPIC_API_KEY = "sk-ant-test-key"
TELEGRAM_BOT_TOKEN = "123456:TEST-TOKEN"
TELEGRAM_WEBHOOK_SECRET = "test-webhook-secret"
TELEGRAM_ALLOWED_USER_IDS = frozenset({1001})
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collectstatic before the tests: static files are found where they lie.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests talk plain HTTP to the test client and live server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
