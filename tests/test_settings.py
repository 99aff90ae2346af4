"""Settings come from the environment and a bad value stops start-up, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
# Variables the settings read; cleared so the developer's own shell cannot leak in.
SETTINGS_VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_HOURS",
    "IMPORT_PUBLISHES_TRIALS",
    "REQUIRE_SECOND_REVIEWER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LOG_LEVEL",
]
SHOW_SETTINGS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.CTGOV_RETRIES)"
)


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in SETTINGS_VARIABLES
        and not name.startswith("CTGOV_")
        # Set by the browser tests for Playwright's event loop; a server never has it.
        and name != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings"} | env
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    return run(["-c", code], **env)


def manage_check(**env: str) -> subprocess.CompletedProcess:
    return run(["manage.py", "check"], **env)


def startup_error(result: subprocess.CompletedProcess) -> str:
    """The last line of the traceback: the error a person starting the site reads."""
    assert result.returncode != 0
    return result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "nonsense://"),
        ("DATABASE_URL", "mysql://user@localhost/db"),
        ("CTGOV_RETRIES", "abc"),
        ("CTGOV_RETRIES", "0"),
        ("CTGOV_MIN_INTERVAL", "-1"),
        ("CTGOV_READ_TIMEOUT", "nan"),
        ("AXES_FAILURE_LIMIT", "five"),
        ("REQUIRE_SECOND_REVIEWER", "sometimes"),
    ],
)
def test_bad_environment_value_stops_startup_naming_the_variable(name, value):
    error = startup_error(run_django("import django; django.setup()", **{name: value}))
    assert error.startswith("django.core.exceptions.ImproperlyConfigured")
    assert name in error


def test_debug_off_without_secret_key_stops_startup_naming_secret_key():
    error = startup_error(run_django("import django; django.setup()", DEBUG="false"))
    assert error.startswith("django.core.exceptions.ImproperlyConfigured")
    assert "SECRET_KEY" in error


def test_manage_check_refuses_to_start_without_secret_key_when_debug_is_off():
    result = manage_check(DEBUG="false", ALLOWED_HOSTS="tracker.example.org")
    assert "SECRET_KEY" in startup_error(result)


def test_production_settings_start_with_secret_key_and_allowed_hosts():
    result = manage_check(DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="tracker.example.org")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_defaults_are_debug_on_sqlite_and_five_retries():
    result = run_django(SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3", "5"]


def test_database_url_selects_postgresql():
    result = run_django(SHOW_SETTINGS, DATABASE_URL="postgres://postgres@127.0.0.1:5432/tracker")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "django.db.backends.postgresql"


def test_two_databases_sharing_one_cache_directory_never_share_entries(tmp_path):
    # Counts cached from one database must never appear on another's pages.
    code = (
        "import django; django.setup()\n"
        "from django.core.cache import cache\n"
        "import sys\n"
        "if sys.argv[1:]: cache.set('trial-count', sys.argv[1])\n"
        "print(cache.get('trial-count'))"
    )
    first = {"CACHE_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}"}
    second = first | {"DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite3'}"}
    assert run(["-c", code, "19"], **first).stdout.split() == ["19"]
    assert run(["-c", code], **first).stdout.split() == ["19"]
    assert run(["-c", code], **second).stdout.split() == ["None"]


@pytest.mark.parametrize("spelling", ["0", "false", "No", " off "])
def test_debug_can_be_switched_off_in_any_usual_spelling(spelling):
    result = run_django(SHOW_SETTINGS, DEBUG=spelling, SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"
