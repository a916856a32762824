"""Django settings for Signoff. Every environment variable is read here and nowhere else."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from signoff.core import install

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = install.data_dir()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("SIGNOFF_DEBUG", False)
# Why this install counts as production (signoff.core.install); then `signoff run` loads no demo.
PRODUCTION_REASONS = install.production_reasons()
PRODUCTION = bool(PRODUCTION_REASONS)
# SIGNOFF_SECRET_KEY, else the per-install key `signoff migrate` / `run` keep in the data folder.
# There is no built-in key: a known one would let anyone with a database copy derive every
# share link from its nonce (docs/sharing.md).
SECRET_KEY = os.environ.get("SIGNOFF_SECRET_KEY", "").strip() or install.secret_key_read(DATA_DIR)
if not SECRET_KEY:
    raise ImproperlyConfigured(
        f"Signoff has no secret key: set SIGNOFF_SECRET_KEY, or run `signoff migrate` (or "
        f"`signoff run`), which creates one in {install.secret_key_path(DATA_DIR)}."
    )
# Former keys, comma-separated, after a key change: sessions and share links made under them
# keep working (share-link tokens are derived from the key; see docs/sharing.md).
SECRET_KEY_FALLBACKS = [
    k for k in os.environ.get("SIGNOFF_SECRET_KEY_FALLBACKS", "").split(",") if k
]
ALLOWED_HOSTS = [h for h in os.environ.get("SIGNOFF_ALLOWED_HOSTS", "*").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("SIGNOFF_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
# Absolute base used in links sent to customers (emails, texts, QR codes).
SITE_URL = os.environ.get("SIGNOFF_SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    # Serves the API docs' Swagger UI from its own static files instead of a CDN (works offline).
    "ninja",
    "signoff.core",
    "signoff.shops",
    "signoff.customers",
    "signoff.orders",
    "signoff.approvals",
    "signoff.sharing",
    "signoff.documents",
    "signoff.portal",
    "signoff.api",
    "signoff.web",
    "signoff.ops",
]

MIDDLEWARE = [
    # First, so what views leave for after the answer hooks the response the server sends.
    "signoff.core.http.AfterResponseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "signoff.core.http.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "signoff.shops.middleware.CurrentShopMiddleware",
    # A session holding the tablet for approval in person serves only that screen.
    "signoff.web.kiosk.KioskMiddleware",
]

ROOT_URLCONF = "signoff.urls"
WSGI_APPLICATION = "signoff.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "OPTIONS": {
            # The apps' templates, the staff pages' with their indentation dropped once when
            # read (signoff.web.loaders), cached.
            "loaders": [
                ("django.template.loaders.cached.Loader", ["signoff.web.loaders.Loader"]),
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "signoff.shops.context_processors.current_shop",
            ],
        },
    }
]

_default_sqlite = f"sqlite:///{DATA_DIR / install.SQLITE_FILENAME}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Only `signoff migrate` / `run` create the file (signoff.ops migrate); a connection never
    # does, so a moved database is an outage that /healthz reports, not a silent empty one.
    _sqlite = install.sqlite_path(DATABASES["default"]["NAME"])
    if _sqlite is not None:
        DATABASES["default"]["NAME"] = install.sqlite_uri(_sqlite)
    # WAL + IMMEDIATE: two writers wait for each other instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SIGNOFF_TEST_SQLITE_NAME")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails a connection in seconds (the worker backs off, /healthz
    # answers 503) instead of hanging on the operating system's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 10)
    # Each process keeps its connection for this many seconds instead of opening one per
    # request; the health check replaces one that a database restart broke before it is used.
    # Behind pgbouncer in transaction pooling, set 0 (docs/operations.md).
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("SIGNOFF_CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Transaction pooling hands each transaction to any server connection, so a cursor held
    # open between them (QuerySet.iterator) would not be found: fetch client-side instead.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = _env_bool(
        "SIGNOFF_DISABLE_SERVER_SIDE_CURSORS", False
    )
    # Parameters bound by the server, so each connection prepares a query it has run 5 times
    # and PostgreSQL plans it once instead of on every page (a page runs a dozen). Off behind a
    # pooler that cannot keep prepared statements (pgbouncer before 1.21, or with
    # max_prepared_statements = 0): docs/operations.md.
    if _env_bool("SIGNOFF_PG_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)

# The folder of pg_dump and pg_restore for `signoff backup` / `restore` on PostgreSQL. Unset:
# the server's own version's when installed beside it (/usr/lib/postgresql/N/bin), else PATH's.
PG_BIN = os.environ.get("SIGNOFF_PG_BIN", "").strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:today"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The default storage: estimate PDFs rendered for delivery, kept by content (documents.render).
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # `signoff migrate` and `signoff run` collect the static files into STATIC_ROOT with their
    # content's hash in each name and gzip and Brotli copies beside them; whitenoise serves
    # those with a year's `immutable` Cache-Control, so a browser fetches each version once.
    "staticfiles": {"BACKEND": "signoff.core.staticfiles.IncrementalCompressedManifestStorage"},
}
# Source maps are fetched only by developer tools: not worth compressing at every collect.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# Only with SIGNOFF_DEBUG are files served from the apps' folders as they are edited (and
# {% static %} names them without a hash); otherwise only the collected files are served.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("SIGNOFF_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site only,
# no inline script or style, no plugins, no framing, forms post only here. A page that needs
# more says so with django-csp's decorators (the API docs, the dev outbox's email preview).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the customer page's empty favicon and images drawn in the browser.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Powerful browser features no page uses. (Photos taken with <input type="file" capture> open
# the camera app and need no camera permission here.)
PERMISSIONS_POLICY = [
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
]
# A form posted with an expired CSRF token gets a friendly page (the customer's estimate again,
# with their answers), chosen with the other error pages in signoff.urls.
CSRF_FAILURE_VIEW = "signoff.urls.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Production over HTTPS: HSTS (start small, e.g. 3600, then 31536000) and redirecting http.
SECURE_HSTS_SECONDS = int(os.environ.get("SIGNOFF_HSTS_SECONDS", "0"))
SECURE_SSL_REDIRECT = _env_bool("SIGNOFF_SSL_REDIRECT", False)
# Only behind a proxy that terminates TLS and always sets X-Forwarded-Proto itself.
if _env_bool("SIGNOFF_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Email: SMTP when SIGNOFF_SMTP_HOST is set, otherwise captured into the dev outbox.
SMTP_HOST = os.environ.get("SIGNOFF_SMTP_HOST", "")
EMAIL_HOST = SMTP_HOST or "localhost"
EMAIL_PORT = int(os.environ.get("SIGNOFF_SMTP_PORT", "587" if SMTP_HOST else "25"))
EMAIL_HOST_USER = os.environ.get("SIGNOFF_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SIGNOFF_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("SIGNOFF_SMTP_TLS", bool(SMTP_HOST))
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("SIGNOFF_FROM_EMAIL", "Signoff <signoff@localhost>")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

# Text messages: Twilio when an account SID is set, otherwise captured into the dev outbox.
TWILIO_ACCOUNT_SID = os.environ.get("SIGNOFF_TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("SIGNOFF_TWILIO_AUTH_TOKEN", "")
# Only tests point this elsewhere (a local stand-in for Twilio's REST API).
TWILIO_API_BASE = os.environ.get("SIGNOFF_TWILIO_API_BASE", "")

# The dev outbox captures messages when no real provider is configured.
DEV_OUTBOX = _env_bool("SIGNOFF_DEV_OUTBOX", not (SMTP_HOST or TWILIO_ACCOUNT_SID))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("SIGNOFF_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Delivery retry policy for outbox messages.
DELIVERY_MAX_ATTEMPTS = int(os.environ.get("SIGNOFF_DELIVERY_MAX_ATTEMPTS", "5"))
DELIVERY_BASE_DELAY_SECONDS = float(os.environ.get("SIGNOFF_DELIVERY_BASE_DELAY", "30"))
DELIVERY_LEASE_SECONDS = int(os.environ.get("SIGNOFF_DELIVERY_LEASE", "120"))

# Delivery health (/healthz and the staff banner): delivery is stalled when no worker has
# reported in for this long (while the task backend needs one) or a message has waited this long.
WORKER_HEARTBEAT_STALE_SECONDS = int(os.environ.get("SIGNOFF_WORKER_STALE_SECONDS", "120"))
QUEUE_STALE_MINUTES = int(os.environ.get("SIGNOFF_QUEUE_STALE_MINUTES", "10"))

# How long an Idempotency-Key's first answer is kept for replay (the worker forgets older ones).
IDEMPOTENCY_KEY_DAYS = int(os.environ.get("SIGNOFF_IDEMPOTENCY_KEY_DAYS", "7"))

# Share-link guessing: failed lookups allowed per client address per window.
# How often an open RO page asks whether anything changed (seconds; 0 turns it off).
RO_POLL_SECONDS = int(os.environ.get("SIGNOFF_RO_POLL_SECONDS", "10"))
# How often the top bar's Today counts are asked for again (seconds).
TODAY_POLL_SECONDS = max(int(os.environ.get("SIGNOFF_TODAY_POLL_SECONDS", "30")), 1)
PORTAL_RATE_LIMIT = int(os.environ.get("SIGNOFF_PORTAL_RATE_LIMIT", "20"))
PORTAL_RATE_WINDOW_SECONDS = int(os.environ.get("SIGNOFF_PORTAL_RATE_WINDOW", "600"))

# Staff login guessing: failed log-ins allowed per username and client address per window.
LOGIN_RATE_LIMIT = int(os.environ.get("SIGNOFF_LOGIN_RATE_LIMIT", "10"))
LOGIN_RATE_WINDOW_SECONDS = int(os.environ.get("SIGNOFF_LOGIN_RATE_WINDOW", "900"))

# Leaving approval in person: wrong staff passwords allowed per session and window; the last
# one signs the tablet out.
KIOSK_UNLOCK_LIMIT = int(os.environ.get("SIGNOFF_KIOSK_UNLOCK_LIMIT", "5"))
KIOSK_UNLOCK_WINDOW_SECONDS = int(os.environ.get("SIGNOFF_KIOSK_UNLOCK_WINDOW", "900"))

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "signoff_cache",
    }
}

LOG_LEVEL = os.environ.get("SIGNOFF_LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Share-link tokens are credentials: "Not Found: /s/<token>" lines are logged as /s/[token].
    "filters": {"share_tokens": {"()": "signoff.core.redact.RedactShareTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["share_tokens"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own request loggers log the path; send them through the filtered handler only
    # (not also Django's default console handler, which would print the token when DEBUG is on).
    "loggers": {
        name: {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False}
        for name in ("django.request", "django.server")
    },
}
