"""One settings file, driven by the environment (see .env.example).

DEBUG is off unless set; DATABASE_URL selects the database (an embedded SQLite file by default);
REDIS_URL, when set, backs the cache.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "data"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# Production mode (docs/SECURITY.md): a SECRET_KEY is provided, or DJANGO_ENV=production (which
# serve.py sets). Development (no key, or DJANGO_ENV=development) serves plain http.
DEV_SECRET_KEY = "django-insecure-development-only-key-set-SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DJANGO_ENV = os.environ.get("DJANGO_ENV", "").strip().lower()
if DJANGO_ENV not in {"", "production", "development"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'production' or 'development'.")
PRODUCTION = DJANGO_ENV == "production" or (
    DJANGO_ENV == "" and bool(SECRET_KEY) and SECRET_KEY != DEV_SECRET_KEY
)
if not env_bool("ALLOW_INSECURE_DEV_KEY", default=True):
    PRODUCTION = True
if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith("change-me"):
        raise ImproperlyConfigured("Production needs a real SECRET_KEY (50+ random characters).")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY is too short: use 50+ random characters.")
elif not SECRET_KEY:
    # A development key: never accepted in production mode.
    SECRET_KEY = DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "simple_history",
    "crin_legal",
    "core",
    "hotpath",
    "treaties",
    "laws",
    "public",
    "access",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # CORS for the public API (django-cors-headers; the CORS_* settings below).
    "corsheaders.middleware.CorsMiddleware",
    # The site's HTML gzipped for anonymous visitors (BREACH: hotpath/middleware.py).
    "hotpath.middleware.PublicPageGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The admin in the language its user chose (core/admin/locale.py).
    "core.admin.locale.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): a second factor at login (the admin requires it).
    "django_otp.middleware.OTPMiddleware",
    # Records the signed-in user on every history row written during the request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hotpath.middleware.SecurityHeadersMiddleware",
    # Before any view reads a parameter: PostgreSQL refuses NUL in text (a 400, not a 500).
    "hotpath.middleware.RejectNulBytesMiddleware",
    "hotpath.ratelimit.ApiRateLimitMiddleware",
    # The lockout page after too many failed logins (django-axes).
    "axes.middleware.AxesMiddleware",
    # Last, so rate limits and API keys apply to every request: a 304 or a cached public API
    # response then skips URL resolution, the view, rendering and the DB (hotpath/cache.py).
    "hotpath.cache.PublicCacheMiddleware",
]

ROOT_URLCONF = "crin_legal.urls"
WSGI_APPLICATION = "crin_legal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The admin's base_site.html with a language switcher (core/admin_overrides/).
        "DIRS": [BASE_DIR / "core" / "admin_overrides"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "public.context_processors.site",
            ],
        },
    },
]

# psycopg prepares a statement only where asked (hotpath.compiled.kept_cursor; see below).
PREPARE_THRESHOLD = 5
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests: a file, not Django's default in-memory database. An in-memory database is one
    # connection shared by the test thread and the live server's threads, and two threads using
    # one SQLite connection at once fail at random ("bad parameter or other API misuse"); a file
    # gives each thread its own connection and SQLite's own locking. One file per test run.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("SQLITE_TEST_DB")
        or os.path.join(tempfile.gettempdir(), f"crin-test-{os.getpid()}.sqlite3")
    }
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # A slow query is cut (DB_STATEMENT_TIMEOUT_MS, 0 = none) and becomes a 503 with Retry-After
    # (crin_legal.health); an unreachable server fails fast instead of holding a worker.
    STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "15000"))
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": int(os.environ.get("DB_CONNECT_TIMEOUT", "5")),
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
            # psycopg may prepare statements on this connection; it does so only where asked:
            # the statements kept per data version (hotpath.compiled.kept_cursor), planned once
            # per connection. Django's own cursors bind on the client and never prepare.
            "prepare_threshold": PREPARE_THRESHOLD,
        }
    )
    # Django's backend, with a health check that asks the server only when the connection's
    # socket has something to read (hotpath/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "hotpath.postgresql"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Redis down: cache misses, never errors, and never a hung request.
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The API rate-limit counters (hotpath.ratelimit): the same store, their own key prefix.
CACHES["ratelimit"] = {**CACHES["default"], "KEY_PREFIX": "ratelimit"}
# The public response cache and the data-version stamp (hotpath/cache.py). The stamp is read
# from the cache only when every process shares it (Redis); otherwise from the database.
PUBLIC_CACHE_ENABLED = env_bool("PUBLIC_CACHE", default=True)
PUBLIC_CACHE_SHARED = bool(REDIS_URL)
PUBLIC_CACHE_TIMEOUT = int(os.environ.get("PUBLIC_CACHE_TIMEOUT", "3600"))
# Part of every cache key and ETag: set it per deployment so new code never serves old output.
RELEASE = os.environ.get("RELEASE", "")

# Read replica: public reads go to DATABASE_REPLICA_URL when set (hotpath/db_router.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"].startswith("django.db.backends.postgresql"):
        DATABASES["replica"].setdefault("OPTIONS", {})["prepare_threshold"] = PREPARE_THRESHOLD
        DATABASES["replica"]["ENGINE"] = "hotpath.postgresql"
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["hotpath.db_router.ReplicaRouter"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The public site's languages (the original CRIN site's five); English is served unprefixed.
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ru", "Русский"),
    ("ar", "العربية"),
]
# One catalogue per language for the site and the admin (`manage.py makemessages` writes it:
# crin_legal/management/commands/makemessages.py; tests/test_translations.py keeps it complete).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("STATIC_MANIFEST", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# --- Security (docs/SECURITY.md) -------------------------------------------------------------
# Sessions: editors only (the public site and API set no cookie). Absolute expiry, and at the end
# of the browser session.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=PRODUCTION or env_bool("HTTPS"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
# Load balancers probe /healthz over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django.middleware.csp): no inline script or style anywhere; the
# embeddable map pages (/embed/...) may be framed by any site (hotpath.middleware), the
# API docs page gets its own policy (crin_legal.api.v1).
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if PRODUCTION:
    SECURE_CSP["upgrade-insecure-requests"] = True
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
# CORS (django-cors-headers, docs/SECURITY.md): the public API under /api/ may be read from any
# origin, never with credentials; preflights allow only reads and the API key headers. Anything
# else (the admin, the site) gets no CORS header.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "accept-language", "authorization", "x-api-key")
CORS_EXPOSE_HEADERS = ("Retry-After", "Content-Disposition")
CORS_PREFLIGHT_MAX_AGE = 86400
# Public API rate limits (hotpath.ratelimit), per client per API_RATE_WINDOW seconds: an IP
# address, or a partner key (its own limit, API_RATE_PARTNER by default). The counter lives in
# the "ratelimit" cache: Redis when REDIS_URL is set, shared by every worker.
API_RATE_ANON = int(os.environ.get("API_RATE_ANON", "120"))
API_RATE_PARTNER = int(os.environ.get("API_RATE_PARTNER", "1200"))
API_RATE_WINDOW = int(os.environ.get("API_RATE_WINDOW", "60"))
API_RATE_CACHE = "ratelimit"
# The site's search and export pages (/search/, the dataset, ?format=csv|xlsx): per client, a
# count of their own in the same window and counter store; a partner key has its own limit.
SITE_RATE_ANON = int(os.environ.get("SITE_RATE_ANON", os.environ.get("API_RATE_ANON", "120")))
# How many reverse proxies in front append to X-Forwarded-For (0: the client is REMOTE_ADDR).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Editors' logins: django-axes locks an address, and a username, out for AXES_COOLOFF_TIME hours
# after AXES_FAILURE_LIMIT failures (a 429 page); django-otp's TOTP is the admin's second factor.
AUTHENTICATION_BACKENDS = [
    "access.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "access.security.client_ip"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "CRIN Legal Database"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# The admin's path (ADMIN_URL, e.g. "editors-7f3a/"); the default is "admin/".
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# Upper bounds on what a request may carry.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["core.api.json.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Partner API keys, checked by hotpath.ratelimit.ApiRateLimitMiddleware; anonymous otherwise.
    "DEFAULT_AUTHENTICATION_CLASSES": ["access.authentication.ApiKeyAuthentication"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CRIN Legal Database API",
    "DESCRIPTION": (
        "Read-only public API of the children's-rights legal database: states, treaties and "
        "participation (from the UN Treaty Collection), national laws, their provisions and the "
        "findings that answer which states criminalise what, with a citation for each answer. "
        "A state with no finding for an indicator is `not_assessed`, never `no`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Its deploy check builds a schema of every URL with these global settings, not the public
    # schema (crin_legal.api.v1.PublicSchemaView, with its own enum names), which the API tests
    # and schemathesis in .ci/run check instead.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Change history (core/history.py, docs/EDITORIAL_WORKFLOW.md). Restoring goes through
# laws/treaties admin "Restore" (core.workflow.restore_version), which keeps the version
# column and records the restore; simple-history's own revert form would bypass both.
SIMPLE_HISTORY_REVERT_DISABLED = True
