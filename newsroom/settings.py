"""Settings for newsroom, read from the environment.

One file for every environment: development, tests and production differ only
in environment variables (see README.md). Nothing here reads a secret from the
repository.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from newsroom.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_prefixed,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. "
            "Generate one with: python -c "
            "'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Development only: a fixed key is harmless while DEBUG is on.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin on our site class (newsroom/admin_site.py).
    "newsroom.admin_site.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_prose_editor",
    "taggit",
    "django_filters",
    "newsroom",
    "django_tasks",
    "django_tasks_db",
    "companies",
    # The content core, then the editors' and the readers' side of it.
    "articles",
    "articles.desk",
    "articles.public",
    "newsletter",
    # An email service's API and its signed reports (newsletter/provider.py).
    "anymail",
    # Login throttling (newsroom/security.py explains the choice).
    "axes",
]

MIDDLEWARE = [
    # Request ids in every log line (newsroom/logging.py).
    "newsroom.logging.RequestContextMiddleware",
    # /healthz, answered before host checks, redirects and sessions.
    "newsroom.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous public pages from the cache (newsroom/pagecache.py): a hit
    # costs little more than a static file; a page is stored with the
    # Cache-Control and ETag the next two give it, converted to its edition.
    "newsroom.pagecache.PageCacheMiddleware",
    "newsroom.middleware.PublicCacheMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Below the page cache, so a kept page is kept with its policy and a hit
    # costs nothing more (newsroom/security.py).
    "newsroom.security.ContentSecurityPolicyMiddleware",
    # A URL or query string with a control character (a NUL...) is a 400
    # page, with the headers above, before any view or query sees it
    # (newsroom/edge.py).
    "newsroom.edge.RefuseControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "newsroom.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: refuses a locked-out login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
            ],
            # |person and |hkt: one way to write names and times, everywhere.
            "builtins": ["newsroom.templatetags.newsroom_display"],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

# --- Database -------------------------------------------------------------
# SQLite under var/ needs nothing installed; production sets DATABASE_URL to
# PostgreSQL (postgres://user:pass@host:5432/name).
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
if not env_str("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)


def database(url: str) -> dict:
    config = dj_database_url.parse(url, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Persistent connections save a PostgreSQL connection set-up (a few
        # ms, a process on the server) on every request; the health check
        # before each reuse drops one the server has closed.
        config["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60, unit="seconds")
        # Fail a request (and /healthz) quickly when the server is away.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
        # The public pages' reads by key (newsroom/sql.py, prepared=True) are
        # prepared on the server the first time a connection runs them, so
        # PostgreSQL stops planning them afresh (a third of its work on an
        # article page). Django's own queries are never prepared: its cursors
        # bind on the client. Off for a pooler that cannot keep prepared
        # statements (PgBouncer before 1.21 in transaction mode).
        if env_bool("DATABASE_PREPARED_STATEMENTS", True):
            config["OPTIONS"].setdefault("prepare_threshold", 0)
    else:
        config["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0, unit="seconds")
    return config


DATABASES = {
    "default": database(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so the
    # optimistic-lock check and the write that follows it cannot interleave
    # with another writer (SQLite has no SELECT ... FOR UPDATE).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
# An optional read replica for anonymous public pages (newsroom/db_routers.py);
# tests treat it as the same database.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **database(DATABASE_REPLICA_URL),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["newsroom.db_routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("newsroom.health.HealthCheckMiddleware") + 1,
        "newsroom.db_routers.PublicReadsFromReplicaMiddleware",
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "newsroom"),
            # A Redis that stops answering fails a request (and /healthz) in
            # seconds instead of holding a worker forever.
            "OPTIONS": {"socket_connect_timeout": 3, "socket_timeout": 3},
        }
    }
    # Sessions read from Redis and written through to the database, so any
    # app server finds them, and a Redis restart, flush or eviction logs no
    # editor out in the middle of an article. A session write costs one
    # database write; only logins and the admin write sessions (public pages
    # never touch them).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Passwords and logins -------------------------------------------------
# Argon2 first: new passwords are hashed with it, and a password stored with
# an older hasher below is re-hashed with Argon2 at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes counts failed logins per (user name, IP address) in the database
# and refuses that pair for AXES_COOLOFF_MINUTES after AXES_FAILURE_LIMIT
# failures, with the same page whether the name exists or not.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, unit="failed logins")
AXES_COOLOFF_TIME = timedelta(
    minutes=env_int("AXES_COOLOFF_MINUTES", 15, unit="minutes")
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsroom.security.locked_out"
AXES_VERBOSE = False
# Behind a reverse proxy or CDN, the client's address is in X-Forwarded-For:
# TRUSTED_PROXY_COUNT says how many proxies in front append to it (0 = use
# the connection's address and ignore the header). One helper reads it for
# axes, the sign-up and password-reset limits and consent records.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, unit="proxies")
AXES_CLIENT_IP_CALLABLE = "newsroom.clients.client_address"

# Password resets: requests per client address per hour (then a 429 page), and
# reset mails per address per hour, whoever asks (then silently none).
PASSWORD_RESETS_PER_HOUR = env_int("PASSWORD_RESETS_PER_HOUR", 10, unit="requests")
PASSWORD_RESET_MAILS_PER_HOUR = env_int(
    "PASSWORD_RESET_MAILS_PER_HOUR", 3, unit="mails"
)
# After a login whose next= was refused (another host), land on the desk.
LOGIN_REDIRECT_URL = "/admin/"

_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------
LANGUAGE_CODE = "zh-hant"
LANGUAGES = [
    ("zh-hant", "繁體中文"),
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Hong_Kong"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Django serves MEDIA_ROOT itself only when SERVE_MEDIA is on (the default with
# DEBUG); in production the web server or a CDN serves it, or it lives in S3
# (README, "Running in production").
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)

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
# Media in S3-compatible object storage (AWS, R2, MinIO...) through
# django-storages when a bucket is named, so app servers share no disk.
# Credentials come the usual boto3 way (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or the machine's role), never from this file.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_CUSTOM_DOMAIN = env_str("AWS_S3_CUSTOM_DOMAIN")
    AWS_LOCATION = env_str("AWS_LOCATION", "").strip("/")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "custom_domain": AWS_S3_CUSTOM_DOMAIN or None,
            "location": AWS_LOCATION,
            # Media is public: plain URLs that pages, feeds, e-mails and a
            # CDN can keep, not signed ones that expire after an hour.
            "querystring_auth": False,
            # As on disk: a second "hero.jpg" this month gets a new name
            # instead of replacing another article's picture.
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=86400"},
        },
    }
    if AWS_S3_CUSTOM_DOMAIN and not env_str("MEDIA_URL"):
        # The sanitiser keeps body images only under MEDIA_URL.
        MEDIA_URL = f"https://{AWS_S3_CUSTOM_DOMAIN}/" + (
            f"{AWS_LOCATION}/" if AWS_LOCATION else ""
        )

# Uploads: refuse large bodies before reading them into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_IMAGE_UPLOAD_BYTES = (
    env_int("MAX_IMAGE_UPLOAD_MB", 10, unit="megabytes") * 1024 * 1024
)
# Issue 9: a file past the limit is dropped as it arrives, never stored whole
# (newsroom/uploads.py); an image may have at most this many pixels, width ×
# height × frames (articles/validators.py), below Pillow's 89.5 million.
FILE_UPLOAD_HANDLERS = [
    "newsroom.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
MAX_IMAGE_PIXELS = env_int("MAX_IMAGE_PIXELS", 40000000, unit="pixels")

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the admin's JavaScript does not read it; kept default
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # Production answers only over HTTPS. TLS ends at the proxy or CDN in
    # front, which says so in X-Forwarded-Proto (README, "Running in
    # production"); /healthz is answered before the redirect.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, unit="seconds")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy on every response (django-csp, through
# newsroom.security.ContentSecurityPolicyMiddleware): scripts only from our
# own origin (an inline script needs the request's nonce), no plugins, no
# framing, forms post only to us. Inline styles are allowed only where they
# are needed: the admin, the newsletter's web version (an e-mail's inline
# CSS) and the standalone 500 page.
_MEDIA_ORIGIN = []
if MEDIA_URL.startswith(("https://", "http://")):
    _MEDIA_ORIGIN = ["/".join(MEDIA_URL.split("/", 3)[:3])]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_MEDIA_ORIGIN],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, *_MEDIA_ORIGIN],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Where to report a vulnerability (/.well-known/security.txt): comma-separated
# mailto: or https: URIs.
SECURITY_CONTACTS = env_list("SECURITY_CONTACTS", "mailto:security@newsroom.example")

# --- Newsroom -------------------------------------------------------------
# How long browsers and a CDN may keep a public page, and serve it stale while
# fetching a fresh copy. Short, so a scheduled article appears within a minute
# of its publish time without anything being purged.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 60, unit="seconds")
PUBLIC_STALE_SECONDS = env_int("PUBLIC_STALE_SECONDS", 300, unit="seconds")
# The server-side page cache (newsroom/pagecache.py): anonymous public pages
# kept until a commit changes what readers see, or the next scheduled
# publication (PAGE_CACHE_NEXT_CHANGE says when). PAGE_CACHE=0 turns it off
# (the benchmarks' cold runs). PAGE_CACHE_SECONDS bounds how long an entry
# lives should a change ever fail to reach the cache.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_ALIAS = env_str("PAGE_CACHE_ALIAS", "default")
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 21600, unit="seconds")
PAGE_CACHE_NEXT_CHANGE = "articles.editing.next_publication"
# Each process keeps a copy of the pages it served last, up to this many
# bytes, and trusts the generation it read from Redis for this long: a hit
# then costs no round trip, and a change made in another process shows there
# within this time (in the process that made it, at once). 0: read it on
# every hit.
PAGE_CACHE_LOCAL_BYTES = env_int("PAGE_CACHE_LOCAL_BYTES", 8000000, unit="bytes")
PAGE_CACHE_RECHECK_SECONDS = env_int("PAGE_CACHE_RECHECK_SECONDS", 1, unit="seconds")
NEWSROOM_NAME = env_str("NEWSROOM_NAME", "新聞室財經")
# Signed preview links for people without an account: default lifetime.
PREVIEW_LINK_DEFAULT_HOURS = env_int("PREVIEW_LINK_DEFAULT_HOURS", 72, unit="hours")
# The Simplified edition (newsroom/editions.py): how long converted pages and
# text stay in the cache. Keys are hashes of the Traditional text, so an edit
# makes a new key and nothing needs invalidating; 30 days.
EDITION_CACHE_TIMEOUT = env_int("EDITION_CACHE_TIMEOUT", 2592000, unit="seconds")

# The public site's address, for links in emails (which have no request).
SITE_URL = env_str("SITE_URL", "http://localhost:8000")

# --- Email and the newsletter ------------------------------------------------
# SMTP in production (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD, EMAIL_USE_TLS); the console in development. Tests use
# Django's locmem backend (pytest-django sets it).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, unit="seconds")
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "新聞室財經 <newsletter@newsroom.example>"
)
SERVER_EMAIL = env_str("SERVER_EMAIL", "alerts@newsroom.example")
# Or an email service through django-anymail: EMAIL_BACKEND names its backend
# (anymail.backends.amazon_ses.EmailBackend, anymail.backends.postmark.
# EmailBackend, ...), and every ANYMAIL_<NAME> variable becomes anymail's
# <NAME> setting: ANYMAIL_POSTMARK_SERVER_TOKEN, ANYMAIL_MAILGUN_API_KEY,
# ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY, ANYMAIL_WEBHOOK_SECRET (user:password
# for the tracking webhooks, which the service calls at /anymail/<service>/
# tracking/).
ANYMAIL = env_prefixed("ANYMAIL_")
# Every newsletter carries the sender's postal address (UEMO, CAN-SPAM).
NEWSLETTER_POSTAL_ADDRESS = env_str(
    "NEWSLETTER_POSTAL_ADDRESS",
    "香港中環示例大廈 10 樓 (10/F, Example Tower, Central, Hong Kong)",
)
# Mail to this address with the token in the subject unsubscribes (List-Unsubscribe).
NEWSLETTER_UNSUBSCRIBE_EMAIL = env_str(
    "NEWSLETTER_UNSUBSCRIBE_EMAIL", "unsubscribe@newsroom.example"
)
NEWSLETTER_LIST_ID = env_str(
    "NEWSLETTER_LIST_ID", "Weekly newsletter <weekly.newsroom.example>"
)
# Alerts about followed companies are a list of their own (newsletter/alerts.py).
NEWSLETTER_ALERTS_LIST_ID = env_str(
    "NEWSLETTER_ALERTS_LIST_ID", "Company alerts <alerts.newsroom.example>"
)
NEWSLETTER_CONFIRM_HOURS = env_int("NEWSLETTER_CONFIRM_HOURS", 72, unit="hours")
# Sign-ups per IP address per hour, counted in the cache.
NEWSLETTER_SIGNUPS_PER_HOUR = env_int("NEWSLETTER_SIGNUPS_PER_HOUR", 5, unit="sign-ups")
NEWSLETTER_BATCH_SIZE = env_int("NEWSLETTER_BATCH_SIZE", 200, unit="messages")

# Called after an article's status change commits, with article_id and action
# (articles/workflow.py). articles/ must not import newsletter/; this wires
# the newsletter's alerts to publishing.
ARTICLE_TRANSITION_HOOKS = ["newsletter.alerts.article_transitioned"]

# Called with the objects when a company, ticker, author or tag is saved or
# about to be deleted (newsroom/public_content.py): articles naming them are
# reindexed at the commit. newsroom/ and companies/ must not import articles/.
PUBLIC_CONTENT_HOOKS = ["articles.search.indexing.reindex_articles_naming"]

# Background work (django-tasks): run at once in development and tests; the
# database backend (a worker: `manage.py db_worker`) when TASKS_BACKEND=database.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if env_choice("TASKS_BACKEND", "immediate", ["immediate", "database"])
        == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}

TAGGIT_CASE_INSENSITIVE = True
TAGGIT_TAGS_FROM_STRING = "articles.tagging.parse_tags"
TAGGIT_STRING_FROM_TAGS = "articles.tagging.edit_string_for_tags"

DJANGO_PROSE_EDITOR_DEFAULT_LANGUAGE = "zh-hant"

# JSON lines on stdout in production (newsroom/logging.py), for whatever
# collects the processes' output; readable lines in development.
LOG_FORMAT = env_choice("LOG_FORMAT", "plain" if DEBUG else "json", ["plain", "json"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "newsroom.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
        ).upper(),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

ADMIN_SITE_HEADER = _("Newsroom editorial desk")
