"""Settings for the declaration tracker, all read from the environment.

One file for every deployment. Local defaults are safe to run on a laptop: SQLite in
the project folder and debug mode off unless ``DJANGO_DEBUG=1``. Production sets
``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` and ``DATABASE_URL``; without a real
secret key the app refuses to start when debug is off.
"""

import os
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


DEBUG = env_bool("DJANGO_DEBUG")

# A key for local use only; production must provide its own.
_LOCAL_SECRET_KEY = "insecure-local-development-key-not-for-production-use"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("DJANGO_ALLOW_INSECURE_KEY"):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (production), or set "
            "DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = _LOCAL_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.syndication",
    "django_filters",
    "django_tables2",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "declarations",
]
# Synthetic data and the benchmark: developer tooling, not part of a production site.
if DEBUG or env_bool("TRACKER_DEVTOOLS"):
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "declarations.middleware.ContentSecurityPolicyMiddleware",
    # Outside everything that may query the database, so that it sees their errors.
    "declarations.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that may look up a control character the address holds.
    "declarations.middleware.OddAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "declarations.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

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

WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that cannot be reached, or a network that silently drops packets,
    # ends in the 503 page within seconds instead of holding a worker until
    # gunicorn kills it: a short connect timeout (libpq's least is 2 s), TCP
    # keepalives on idle connections, and tcp_user_timeout, which drops a
    # connection whose sent data goes unacknowledged that long (a kept connection
    # across a partition: the request's first query). The worst case, a kept
    # connection then a new one, is about 2 + 2 s (4.4 s measured).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault(
        "connect_timeout", int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "2"))
    )
    options.setdefault("keepalives", 1)
    options.setdefault(
        "keepalives_idle", int(os.environ.get("DJANGO_DB_KEEPALIVES_IDLE", "5"))
    )
    options.setdefault("keepalives_interval", 1)
    options.setdefault("keepalives_count", 3)
    options.setdefault(
        "tcp_user_timeout",
        int(os.environ.get("DJANGO_DB_TCP_USER_TIMEOUT_MS", "2000")),
    )
    # JIT compilation costs more than it saves on the short queries pages make
    # (seconds on the first aggregate of 100,000 rows).
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", "-c jit=off -c random_page_cost=1.1"
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (runserver, management commands) share one file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) are PostgreSQL's; on SQLite every index already
# holds the row's key, which is all they add here.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "declarations:me"
LOGOUT_REDIRECT_URL = "declarations:overview"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve straight from the app folders when nobody ran collectstatic (local use).
WHITENOISE_USE_FINDERS = DEBUG or env_bool("DJANGO_STATIC_FROM_FINDERS")
if WHITENOISE_USE_FINDERS:
    # Then an uncollected STATIC_ROOT is expected, not worth a warning on every start.
    warnings.filterwarnings("ignore", message="No directory at: .*staticfiles")

FIXTURE_DIRS = [BASE_DIR / "fixtures"]


def cache_from_url(url: str) -> dict:
    """The CACHES entry for ``CACHE_URL``: unset or ``locmem://`` is this process's
    memory, ``redis://host:port/db`` Redis (Django's own RedisCache), ``dummy://``
    no cache at all."""
    scheme = url.split("://", 1)[0].lower() if url else "locmem"
    if scheme in ("redis", "rediss", "unix"):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "tracker"),
            # A cache that cannot be reached is a miss, not an error page.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    raise ImproperlyConfigured(
        f"CACHE_URL {url!r}: use redis://host:port/db, locmem:// or dummy://."
    )


# One cache layer: whole anonymous pages (declarations.page_cache), invalidated
# after every write's commit through a generation key kept in the same cache.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": cache_from_url(CACHE_URL),
    # No cache at all, for measuring pages without one (the benchmark).
    "off": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
TRACKER_PAGE_CACHE = "default"
# How long a page may be kept. Every write through the app forgets the pages at
# once; this bounds how long a write made outside it (SQL by hand) can go unseen.
TRACKER_PAGE_CACHE_SECONDS = int(os.environ.get("TRACKER_PAGE_CACHE_SECONDS", "600"))

# Mail (the password-reset link). Locally it is printed on the console; with debug
# off a backend that prints or keeps mail is refused, as a missing secret key is:
# anyone who can read the log (or the file) could take over any account.
CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
UNSAFE_EMAIL_BACKENDS = (
    CONSOLE_EMAIL_BACKEND,
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
)
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "")
if not DEBUG and (not EMAIL_BACKEND or EMAIL_BACKEND in UNSAFE_EMAIL_BACKENDS):
    raise ImproperlyConfigured(
        f"DJANGO_EMAIL_BACKEND is {EMAIL_BACKEND or 'not set'}:"
        " with debug off the tracker needs a backend that delivers mail (for "
        "example django.core.mail.backends.smtp.EmailBackend and DJANGO_EMAIL_HOST)."
        " The console, file and in-memory backends print or keep every "
        "password-reset link where others can read it."
    )
EMAIL_BACKEND = EMAIL_BACKEND or CONSOLE_EMAIL_BACKEND
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
# A mail server that stalls holds the task worker this long, then the send fails.
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "tracker@localhost")

# Work done off the request (declarations.tasks: the reset mail). Production keeps
# the queue in the database, and ``manage.py db_worker`` runs it; locally each task
# runs at once, in the request, after its transaction commits.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

# Security: production behind TLS. Local runs (DEBUG) keep plain http usable.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
TRACKER_BEHIND_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if TRACKER_BEHIND_PROXY else None
)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy, in the format of Django 6.0's SECURE_CSP so that the
# built-in middleware can take over from declarations.middleware on upgrade. No page
# has inline script, inline style or event-handler attributes (tests/test_security.py
# scans them), and the admin's scripts are files, so 'self' is enough everywhere.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# What a request that finds the database unreachable gets: the 503 page, and when to
# try again (declarations.middleware.DatabaseUnavailableMiddleware).
TRACKER_RETRY_AFTER_SECONDS = int(os.environ.get("TRACKER_RETRY_AFTER_SECONDS", "10"))

# Login throttling: lock an account-and-address pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The address to throttle is the peer's, or behind a proxy the one the proxy appended
# to X-Forwarded-For; never a header value the client chose (that would let anyone
# escape the lockout by sending a new address with each guess).
AXES_CLIENT_IP_CALLABLE = "declarations.middleware.client_ip_address"

# The read API (/api/, declarations.api): anonymous, read-only, JSON only. No
# authentication class at all: the API serves what the public pages show to anyone,
# so it needs no session (and no CSRF token, since nothing can be written).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["declarations.api.throttling.AnonymousRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "declarations.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "URL_FORMAT_OVERRIDE": None,
    "UNICODE_JSON": True,
    "COERCE_DECIMAL_TO_STRING": False,
}
# Requests an address may make to the API; "N/second|minute|hour|day".
TRACKER_API_ANON_RATE = os.environ.get("TRACKER_API_ANON_RATE", "120/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "Declaration tracker API",
    "DESCRIPTION": (
        "Read-only access to everything the tracker's public pages show: "
        "declarations, their paragraphs, bodies, commitments with their deadlines, "
        "bodies and status on any date, the evidence, the assessments (overall and "
        "member state by member state), deadline revisions and the log of changes. "
        "Lists take the web tables' filters and are paged by cursor."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "LICENSE": {"name": "Data: CC BY 4.0; code: MIT"},
    # One schema name for each vocabulary of declarations.models.choices.
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "declarations.models.choices.Status",
        "AssessedStatusEnum": "declarations.api.serializers.ASSESSED_STATUS_CHOICES",
        "BodyKindEnum": "declarations.models.choices.BodyKind",
        "CommitmentKindEnum": "declarations.models.choices.CommitmentKind",
        "DeadlineKindEnum": "declarations.models.choices.DeadlineKind",
        "PrecisionEnum": "declarations.models.choices.Precision",
        "RoleEnum": "declarations.models.choices.Role",
        "ConfidenceEnum": "declarations.models.choices.Confidence",
        "DirectionEnum": "declarations.models.choices.Direction",
        "DatePrecisionEnum": "declarations.models.choices.DatePrecision",
        "OverdueBandEnum": "declarations.models.choices.OverdueBand",
        "TimelinessEnum": "declarations.models.scorecards.Timeliness",
        "ChangeKindEnum": "declarations.views.changes.KIND_CHOICES",
    },
}

# Data releases (manage.py release): one folder per version under this directory,
# listed at /data/ and served from there.
TRACKER_RELEASES_DIR = Path(
    os.environ.get("TRACKER_RELEASES_DIR", BASE_DIR / "releases")
)

# Who a release names as its author in CITATION.cff and "cite as", and the site's
# public address (for the citation's URL; empty to leave it out).
TRACKER_CITATION_AUTHOR = os.environ.get(
    "TRACKER_CITATION_AUTHOR", "Declaration tracker contributors"
)
TRACKER_SITE_URL = os.environ.get("TRACKER_SITE_URL", "")
# Whom a site owner can write to about the source checker (manage.py
# check_sources names it in its User-Agent): an address or a URL.
TRACKER_CONTACT = os.environ.get("TRACKER_CONTACT", DEFAULT_FROM_EMAIL)

# Domain settings.
# An assessment is a draft until another analyst (or an editor) approves it; a
# one-person install may publish directly (TRACKER_REVIEW_REQUIRED=0).
TRACKER_REVIEW_REQUIRED = env_bool("TRACKER_REVIEW_REQUIRED", True)
TRACKER_DUE_SOON_DAYS = int(os.environ.get("TRACKER_DUE_SOON_DAYS", "90"))
TRACKER_MAX_IMPORT_BYTES = int(
    os.environ.get("TRACKER_MAX_IMPORT_BYTES", str(5 * 1024 * 1024))
)
# The largest declaration the importer takes, so the reader's pages stay small.
TRACKER_MAX_PARAGRAPHS = int(os.environ.get("TRACKER_MAX_PARAGRAPHS", "5000"))
TRACKER_MAX_PARAGRAPH_CHARACTERS = int(
    os.environ.get("TRACKER_MAX_PARAGRAPH_CHARACTERS", "60000")
)


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
}
AXES_VERBOSE = False
