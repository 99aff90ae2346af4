"""Settings for the MDMA Evidence Tracker, read from the environment.

Defaults work on a laptop: SQLite in the project folder, DEBUG on. Production
sets DATABASE_URL=postgres://..., DEBUG=false, SECRET_KEY and ALLOWED_HOSTS.
"""

import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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
    "django_filters",
    "simple_history",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "trials",
    "evidence",
    "public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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
DATABASES = {"default": _db}

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

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
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
