"""Pilote settings: the only settings module, read from environment variables (django-environ).

Development defaults are safe for a laptop (SQLite under var/, DEBUG off unless asked, demo mode on only
when PILOTE_DEMO is set by `make run`). Production is selected with PILOTE_ENV=production, which refuses the
development secret key and demo mode, and turns on the secure cookie/HSTS settings that `check --deploy` wants.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF

from config.safety import refuse_unsafe_production


BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)  # optional file, never required

PILOTE_ENV = env.str("PILOTE_ENV", default="development")  # development | production
PRODUCTION = PILOTE_ENV == "production"
DEBUG = env.bool("DEBUG", default=False)

DEV_SECRET_KEY = "dev-only-not-secret-pilote-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105 — public on purpose; refused in production (pilote.E002)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed: the client address of the login
# throttle and of the API quota is then the right-most address of that header that is not one of them.
PILOTE_TRUSTED_PROXIES = env.list("PILOTE_TRUSTED_PROXIES", default=[])

# Demo mode creates demo organisations and one account per role (password "pilote-demo").
PILOTE_DEMO = env.bool("PILOTE_DEMO", default=False)

# Where the analytics store (Parquet generations) and uploads live; several stores can coexist.
PILOTE_DATA_DIR = Path(env.str("PILOTE_DATA_DIR", default=str(BASE_DIR / "var")))
# A query over the contract data running longer than this is interrupted (pilote.contracts.db).
PILOTE_QUERY_TIME_LIMIT_S = env.float("PILOTE_QUERY_TIME_LIMIT_S", default=30.0)
# DuckDB's memory per process (pilote.contracts.db): reading (web workers, tasks), and building the prepared file
PILOTE_DUCKDB_MEMORY_LIMIT = env.str("PILOTE_DUCKDB_MEMORY_LIMIT", default="128MB")
# 1.2 GB for the whole write of the cockpit file: under 1 GB its per-contract table (sorted by buyer, with its text
# columns) spilled, and DuckDB then wrote the sorted rows on one thread (docs/decisions/0022, session 23)
PILOTE_DUCKDB_BUILD_MEMORY_LIMIT = env.str("PILOTE_DUCKDB_BUILD_MEMORY_LIMIT", default="1200MB")
PILOTE_DUCKDB_UPDATE_MEMORY_LIMIT = env.str("PILOTE_DUCKDB_UPDATE_MEMORY_LIMIT", default="384MB")
# Niceness of the background work (DECP imports, the task worker and the processes they start): the web workers
# keep the processor first while an import runs (issue 16: no request slower than 1 s during an import).
PILOTE_BACKGROUND_NICE = env.int("PILOTE_BACKGROUND_NICE", default=10)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "pilote.core",
    "pilote.ui",
    "pilote.decp",
    "pilote.contracts",
    "pilote.analytics",
    "pilote.explorer",
    "pilote.clauses",
    "pilote.fiches",
    "pilote.recensement",
    "pilote.annuaire",
    "pilote.strategie",
    "pilote.evolutions",
    "pilote.territoire",
    "pilote.communs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pilote.core.middleware.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "pilote.core.middleware.SecurityHeadersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pilote.core.middleware.CurrentOrganisationMiddleware",
    "pilote.core.middleware.RequestLogMiddleware",
    "pilote.contracts.middleware.QueryInterruptedMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pilote.core.context_processors.pilote",
                "pilote.ui.context_processors.theme",
            ],
            "builtins": ["pilote.ui.templatetags.ui"],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{PILOTE_DATA_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL + IMMEDIATE transactions: the web process and the task worker write the same file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: failures per e-mail and per client address over a sliding window.
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=900)
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

# A cache shared by every process (web workers, background worker): the cockpit's figures are computed once per
# store generation, some of them right after the import (pilote.analytics.apps), and API rate limits hold across
# workers. Files under the data directory by default; CACHE_URL (e.g. redis://…) to use a cache server.
if env("CACHE_URL", default=""):
    CACHES = {"default": env.cache_url("CACHE_URL")}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(PILOTE_DATA_DIR / "cache"),
            "TIMEOUT": 24 * 3600,
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = PILOTE_DATA_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "config.storage.StaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Development serves static files straight from the apps; production serves the collected, hashed files.
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = PILOTE_DATA_DIR / "media"
MEDIA_URL = "/media/"

# Uploads are bounded: files above this size are refused by the upload forms (and streamed to disk before).
PILOTE_MAX_UPLOAD_BYTES = env.int("PILOTE_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
# Temporary files (a census file waiting for its confirmation, an export waiting for its download) are deleted
# after this many hours by `manage.py purge_files` (run it daily) and when a new one is written.
PILOTE_FILE_RETENTION_HOURS = env.float("PILOTE_FILE_RETENTION_HOURS", default=24)
# A cockpit contract list with more rows than this is exported by a background task (a download link when
# ready) instead of inside the request.
PILOTE_EXPORT_TASK_ROWS = env.int("PILOTE_EXPORT_TASK_ROWS", default=5000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# DECP imports by URL (pilote.decp.readers.sources.UrlPolicy): https and public addresses only; the platform's
# data stewards may restrict the servers to an allow-list (comma-separated host names; empty: any public host).
PILOTE_DECP_URL_HOSTS = env.list("PILOTE_DECP_URL_HOSTS", default=[])
PILOTE_DECP_URL_ALLOW_HTTP = env.bool("PILOTE_DECP_URL_ALLOW_HTTP", default=False)
PILOTE_DECP_URL_ALLOW_PRIVATE = env.bool("PILOTE_DECP_URL_ALLOW_PRIVATE", default=False)  # development only
PILOTE_DECP_MAX_DOWNLOAD_BYTES = env.int("PILOTE_DECP_MAX_DOWNLOAD_BYTES", default=4 * 1024**3)
PILOTE_DECP_URL_TIMEOUT_S = env.float("PILOTE_DECP_URL_TIMEOUT_S", default=30.0)
PILOTE_DECP_CACHE_HOURS = env.int("PILOTE_DECP_CACHE_HOURS", default=24)  # abandoned partial downloads

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Pilote <ne-pas-repondre@pilote.localhost>")
PILOTE_BASE_URL = env.str("PILOTE_BASE_URL", default="http://127.0.0.1:8000")

TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

UI_THEME = env.str("UI_THEME", default="neutre")  # "dsfr" only for State services (pilote/ui/themes.py)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "pilote.ui.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, fonts and data only from Pilote itself (every front-end
# file is vendored under static/), no inline script or style, no eval (the charts use vega's expression
# interpreter), no framing. Permissions-Policy and `Cache-Control: private, no-store` on pages of a signed-in
# person and on downloads: pilote.core.middleware.SecurityHeadersMiddleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],  # the charts' PNG export and swagger's icons are data: URLs
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)

if PRODUCTION:
    refuse_unsafe_production(secret_key=SECRET_KEY, dev_secret_key=DEV_SECRET_KEY, demo=PILOTE_DEMO, debug=DEBUG)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "pilote.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
    },
}
