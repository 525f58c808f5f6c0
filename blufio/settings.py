"""Blufio settings, read from the environment (and `.env` when present).

Environment values are deployment facts (where the database is, secrets, who may
talk to the bot). Tunables (budgets, prices, tier models) live in the database and
are edited in admin. One rule: nothing is configured in both places.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _read_dotenv(path: Path) -> None:
    """Load KEY=VALUE lines from `.env` without overriding the real environment."""
    if not path.is_file():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


_read_dotenv(BASE_DIR / ".env")


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    """A whole number of at least 0; unset or empty gives the default."""
    raw = envstr(name)
    if not raw:
        return default
    if not raw.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number of at least 0, not {raw!r}")
    return int(raw)


def envints(name: str) -> frozenset[int]:
    """A comma-separated list of integers; empty means none."""
    raw = envstr(name)
    try:
        return frozenset(int(part) for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be comma-separated integers, not {raw!r}") from exc


DEBUG = envbool("DJANGO_DEBUG", False)
SECRET_KEY = envstr("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = [
    h.strip() for h in envstr("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
]
ALLOWED_HOSTS = [h for h in ALLOWED_HOSTS if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_celery_beat",
    "solo",  # the settings pages (SingletonModelAdmin templates)
    "axes",
    "blufio",
    "routing",
    "costs",
    "heartbeat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: locks out repeated failed logins to admin and dashboard.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
# A lockout is for one username from one address: failures with other usernames, or
# with the owner's from elsewhere, never lock the owner out. Failures during a lockout
# do not extend it, so nobody can keep an account locked by trying again.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "blufio.proxies.client_address"
# How many reverse proxies stand in front (compose's nginx: 1). Each appends the
# address it saw to X-Forwarded-For, so only that many entries from the right are true.
PROXY_COUNT = envint("DJANGO_PROXY_COUNT", 0)

ROOT_URLCONF = "blufio.urls"
WSGI_APPLICATION = "blufio.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: PostgreSQL from DATABASE_URL; an SQLite file when it is unset. SQLite takes
# its write lock when a transaction starts (IMMEDIATE) and waits for it, so budget holds
# from two processes queue up instead of failing with "database is locked".
SQLITE_OPTIONS = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DATABASE_URL = envstr("DATABASE_URL")
if DATABASE_URL:
    # Persistent connections, checked before reuse: a restarted PostgreSQL costs no request.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS | DATABASES["default"].get("OPTIONS", {})
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "blufio.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The debug error page hides the connection URLs too (they carry passwords).
DEFAULT_EXCEPTION_REPORTER_FILTER = "blufio.reporting.SettingsFilter"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
# Compressed files with content hashes in their names, cached forever by browsers.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "/admin/login/"

# Behind a TLS-terminating proxy in production: secure cookies, HSTS, HTTPS only.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Broker: Redis when REDIS_URL is set, else kombu's filesystem transport, which needs
# no server (one machine, dev only).
REDIS_URL = envstr("REDIS_URL")
BROKER_DIR = BASE_DIR / "var" / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "visibility_timeout": 3600,
    }
else:
    (BROKER_DIR / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        "processed_folder": str(BROKER_DIR / "processed"),
        # The broadcast exchanges' table (worker remote control); kombu's default is
        # "control" in the working directory, which left a stray folder in the checkout.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.25,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No soft time limit: it raises inside whatever runs, and inside a Claude call the SDK
# takes it for a dropped connection and sends the request again (billed, not counted).
# The hard limit is a last resort for a hung task, beyond any task's paid calls: the
# longest task answers one update (`blufio.inbox.worker`), whose fallback chain may try
# all three tiers, each call up to `blufio.clients.anthropic.call_seconds_bound()`
# (five minutes with the values below). A task killed anyway leaves its hold to the
# sweeper, which charges it in full.
CELERY_TASK_TIME_LIMIT = 20 * 60
# Publishing must not hang the webhook when the broker is down: the update is
# already in the database and will be picked up later.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)

# Outside services. Empty values are allowed: the app starts and says what is missing.
ANTHROPIC_API_KEY = envstr("ANTHROPIC_API_KEY")
ANTHROPIC_BASE_URL = envstr("ANTHROPIC_BASE_URL")
ANTHROPIC_MAX_RETRIES = 2
ANTHROPIC_TIMEOUT_SECONDS = 60.0
# The optional Ollama-compatible local model, the last resort (see blufio/clients/local.py).
LOCAL_MODEL_URL = envstr("LOCAL_MODEL_URL")
LOCAL_MODEL_NAME = envstr("LOCAL_MODEL_NAME")
TELEGRAM_BOT_TOKEN = envstr("TELEGRAM_BOT_TOKEN")
TELEGRAM_API_BASE_URL = envstr("TELEGRAM_API_BASE_URL", "https://api.telegram.org/bot")
# Bot API file downloads live beside the methods: ".../bot" becomes ".../file/bot".
TELEGRAM_FILE_BASE_URL = envstr(
    "TELEGRAM_FILE_BASE_URL", TELEGRAM_API_BASE_URL.removesuffix("/bot") + "/file/bot"
)
TELEGRAM_WEBHOOK_SECRET = envstr("TELEGRAM_WEBHOOK_SECRET")
TELEGRAM_ALLOWED_USER_IDS = envints("TELEGRAM_ALLOWED_USER_IDS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Both log request URLs, and Telegram's URLs carry the bot token.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "httpx2": {"level": "WARNING"},
        "telegram": {"level": "WARNING"},
        "anthropic": {"level": "WARNING"},
    },
}
