"""Settings for the MDMA Evidence Tracker, read from the environment.

Defaults work on a laptop: SQLite in the project folder, DEBUG on. Production
sets DATABASE_URL=postgres://..., DEBUG=false, SECRET_KEY and ALLOWED_HOSTS.
"""

import hashlib
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from config.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. It is required when DEBUG is off; "
            "set SECRET_KEY to a long random string."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "editorial",
    "trials",
    "evidence",
    "public",
]

MIDDLEWARE = [
    # First: every request gets an id and one log line, and /healthz answers before
    # host checks and redirects (a load balancer probes by address, over plain HTTP).
    "config.middleware.RequestLogMiddleware",
    "config.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    # NUL and control characters never reach a view, a query or the database.
    "config.middleware.RejectControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware, as django-cors-headers asks.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"

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

WSGI_APPLICATION = "config.wsgi.application"

_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        _db = dj_database_url.parse(_database_url, conn_max_age=60)
    except Exception as exc:  # the library raises several types for a bad URL
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    if _db["ENGINE"] not in (
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    ):
        raise ImproperlyConfigured(
            f"DATABASE_URL names an unsupported database ({_db['ENGINE']}); "
            "use postgres://... or leave it unset for SQLite."
        )
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
if _db["ENGINE"] == "django.db.backends.postgresql":
    # Per-connection planner memory (deploy/README.md explains the sizes): sorts and
    # hash aggregates of the list's facets stay in memory instead of spilling to disk.
    _db.setdefault("OPTIONS", {})["options"] = " ".join(
        f"-c {name}={env_str(var, default)}"
        for name, var, default in (
            ("work_mem", "PG_WORK_MEM", "16MB"),
            # JIT compiling costs more than it saves on queries of a few milliseconds.
            ("jit", "PG_JIT", "off"),
        )
    )
DATABASES = {"default": _db}

# The shared cache (trials.datacache): every key carries a data version, so it is
# never stale. Default: files under var/cache, shared by every worker process on
# the host with no extra service and no database queries (DatabaseCache would add
# a query per lookup to every page). CACHE_URL=redis://host:6379/0 selects Redis
# when several web hosts share one database.
_cache_url = env_str("CACHE_URL")
if _cache_url:
    if not _cache_url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"CACHE_URL must be a redis://, rediss:// or unix:// URL, not {_cache_url[:40]!r}."
        )
    _cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
else:
    _cache = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("CACHE_DIR") or str(BASE_DIR / "var" / "cache"),
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20_000, minimum=100)},
    }
# Keys name the database they were computed from: a cache shared by two databases
# (SQLite for `make run`, PostgreSQL in production, a benchmark's own) would otherwise
# serve one database's counts on the other's pages until the next write.
_database_id = "{ENGINE}:{HOST}:{PORT}:{NAME}".format(**{"HOST": "", "PORT": "", **_db})
CACHES = {
    "default": {
        **_cache,
        "TIMEOUT": 24 * 60 * 60,
        "KEY_PREFIX": hashlib.sha256(_database_id.encode()).hexdigest()[:12],
    }
}

# Whole public pages (the trial list, the overview, a trial page) in that cache under the
# data version (public/pagecache.py); PAGE_CACHE=0 renders every request afresh.
PAGE_CACHE = env_bool("PAGE_CACHE", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
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

# Security headers and HTTPS. Secure by default when DEBUG is off; each can be turned
# off from the environment (for a plain-HTTP intranet), see README "Operations".
_PRODUCTION = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _PRODUCTION)
# The load balancer probes /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if _PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a commitment that is slow to undo, so it is opt-in.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _PRODUCTION)
# Behind a proxy that terminates TLS: the header it sets, e.g. "X-Forwarded-Proto".
# Only set this when the proxy always overwrites the header; otherwise a client
# could claim to be on HTTPS.
_proxy_ssl_header = env_str("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_ssl_header.strip().upper().replace("-", "_"),
        "https",
    )
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Headers Django has no setting for (config.middleware.SecurityHeadersMiddleware);
# an empty value sends no header.
PERMISSIONS_POLICY = env_str(
    "PERMISSIONS_POLICY",
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
)
CROSS_ORIGIN_RESOURCE_POLICY = env_str("CROSS_ORIGIN_RESOURCE_POLICY", "same-origin")
if not SECURE_HSTS_PRELOAD:
    # check --deploy nags about preload; leaving it off is the documented choice.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Content-Security-Policy (django-csp): no inline scripts or styles anywhere; the
# pages use only the site stylesheet, and charts are SVG with presentation attributes.
_CSP_SELF = ("'self'",)
CONTENT_SECURITY_POLICY = (
    {
        "DIRECTIVES": {
            "default-src": _CSP_SELF,
            "script-src": _CSP_SELF,
            "style-src": _CSP_SELF,
            "img-src": ("'self'", "data:"),
            "font-src": _CSP_SELF,
            "connect-src": _CSP_SELF,
            "object-src": ("'none'",),
            "base-uri": ("'none'",),
            "form-action": _CSP_SELF,
            "frame-ancestors": ("'none'",),
        }
    }
    if env_bool("CSP_ENABLED", True)
    else None
)
# After signing in, an unsafe ?next= falls back here, not to /accounts/profile/.
LOGIN_REDIRECT_URL = "/admin/"

# django-axes: lock an account+address out after repeated failed admin logins.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_float("AXES_COOLOFF_HOURS", 1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# Editorial workflow.
# Trials created by the registry import are public at once unless this is off.
IMPORT_PUBLISHES_TRIALS = env_bool("IMPORT_PUBLISHES_TRIALS", True)
# Publishing needs a reviewer other than the last editor, unless a one-person
# team turns this off.
REQUIRE_SECOND_REVIEWER = env_bool("REQUIRE_SECOND_REVIEWER", True)

# ClinicalTrials.gov import.
CTGOV_API_URL = env_str("CTGOV_API_URL", "https://clinicaltrials.gov/api/v2").rstrip("/")
CTGOV_QUERY = env_str(
    "CTGOV_QUERY", 'MDMA OR midomafetamine OR "3,4-methylenedioxymethamphetamine"'
)
CTGOV_MIN_INTERVAL = env_float("CTGOV_MIN_INTERVAL", 1.0)
CTGOV_RETRIES = env_int("CTGOV_RETRIES", 5, minimum=1)
CTGOV_BACKOFF = env_float("CTGOV_BACKOFF", 2.0)
CTGOV_CONNECT_TIMEOUT = env_float("CTGOV_CONNECT_TIMEOUT", 10.0)
CTGOV_READ_TIMEOUT = env_float("CTGOV_READ_TIMEOUT", 60.0)
CTGOV_PAGE_SIZE = env_int("CTGOV_PAGE_SIZE", 1000, minimum=1)
# The checkpoint overlaps the previous run so late-indexed updates are not missed.
CTGOV_OVERLAP_DAYS = env_int("CTGOV_OVERLAP_DAYS", 2)
# Topic guard: an imported study none of whose interventions matches one of these words
# stays a draft. Separated by commas or semicolons; a comma between digits belongs to the
# term ("3,4-methylenedioxymethamphetamine"). An empty value turns the guard off.
CTGOV_TOPIC_TERMS = [
    term.strip()
    for term in re.split(
        r";|,(?!\d)",
        env_str(
            "CTGOV_TOPIC_TERMS",
            "MDMA, midomafetamine, 3,4-methylenedioxymethamphetamine, ecstasy",
        ),
    )
    if term.strip()
]

# Health check: 503 when the last successful import is older than this (0: not checked).
HEALTH_MAX_IMPORT_AGE_HOURS = env_float("HEALTH_MAX_IMPORT_AGE_HOURS", 0.0)

# Logs: one structured line per event on stderr (LOG_FORMAT "kv" key=value, or
# "json" lines), each carrying the request id. Django's own loggers hand their
# records to the root handler, so a 500's traceback is written once.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = env_str("LOG_FORMAT", "kv").lower()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} is not DEBUG/INFO/WARNING/ERROR.")
if LOG_FORMAT not in ("kv", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not kv or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logs.RequestIdFilter"}},
    "formatters": {
        "kv": {"()": "config.logs.KeyValueFormatter"},
        "json": {"()": "config.logs.JsonFormatter"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        # No handlers of their own (Django's defaults would print tracebacks twice).
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # django-axes announces its version at every start-up.
        "axes": {"level": "WARNING"},
    },
}

# Each record's public page. The public app owns these URLs and the models sit below it,
# so the mapping lives here, above both; obj.get_absolute_url() works as before (admin
# "view on site", sitemaps, feeds, the API).
ABSOLUTE_URL_OVERRIDES = {
    "trials.trial": lambda t: reverse("public:trial", args=[t.url_key]),
    "evidence.publication": lambda p: reverse("public:publication", args=[p.pk]),
    "evidence.regulatorymilestone": lambda m: reverse("public:milestone", args=[m.pk]),
    "evidence.outcomefamily": lambda f: f"{reverse('public:synthesis')}?family={f.slug}",
    "evidence.safetyfinding": lambda f: f"{reverse('public:safety')}#{f.anchor}",
    "evidence.synthesissnapshot": lambda s: reverse("public:snapshot", args=[s.pk]),
}

# Public API, feeds and data package (public/): the DRF and OpenAPI settings live with the app.
from public.settings import *  # noqa: E402, F403

# Anonymous API requests per address, e.g. 120/min (s, min, hour, day).
API_ANON_RATE = env_str("API_ANON_RATE", "120/min")
if not re.fullmatch(r"\d+/(s|sec|m|min|h|hour|d|day)", API_ANON_RATE):
    raise ImproperlyConfigured(
        f"API_ANON_RATE must look like 120/min (number/s|min|hour|day), not {API_ANON_RATE!r}."
    )
DATA_PACKAGE_DIR = Path(env_str("DATA_PACKAGE_DIR", str(BASE_DIR / "data")))
