"""Shared fixtures: the curated seed data, the real ClinicalTrials.gov samples."""

import os
from pathlib import Path

import pytest

DEFAULT_SAMPLES_DIR = Path(__file__).resolve().parents[2] / "shared" / "ctgov"


def samples_dir() -> Path:
    return Path(os.environ.get("CTGOV_SAMPLES_DIR") or DEFAULT_SAMPLES_DIR)


def shared_folder(path: Path, marker: str, what: str, variable: str) -> Path:
    """A folder of ../shared holding `marker`; skipped locally where absent, a failure in CI."""
    if not (path / marker).exists():
        message = f"{what} not found at {path} (set {variable})"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def ctgov_samples() -> Path:
    """The shared real API responses."""
    return shared_folder(samples_dir(), "v2", "ClinicalTrials.gov samples", "CTGOV_SAMPLES_DIR")


@pytest.fixture
def samples_are_public(settings):
    """The samples are not MDMA studies: the topic guard would keep them as drafts."""
    settings.CTGOV_TOPIC_TERMS = []


class _SeedLoaded(Exception):
    """Raised to roll back the one real seed load once its rows are captured."""


@pytest.fixture(scope="session")
def seed_snapshot(django_db_setup, django_db_blocker):
    """Every row the real seed loader writes, captured once per session.

    Loading the seed through `load_seed` takes seconds (validation, history, lookups);
    copying the captured rows back takes a few bulk inserts, so each test still starts
    from exactly what `seed` produces without paying for it a hundred times.
    """
    from django.apps import apps
    from django.db import transaction

    from evidence.seeding import load_seed
    from trials.models import Phase

    models = apps.get_models(include_auto_created=True)
    snapshot: dict = {}
    with django_db_blocker.unblock():
        # The captured rows point at the phases migrations create; taken after a flush,
        # they would point at phases no later test has.
        assert Phase.objects.exists(), "the seed snapshot needs a database as migrated"
        try:
            with transaction.atomic():
                before = {m: set(m._base_manager.values_list("pk", flat=True)) for m in models}
                report = load_seed()
                for model in models:
                    rows = [
                        row
                        for row in model._base_manager.order_by("pk").values()
                        if row[model._meta.pk.attname] not in before[model]
                    ]
                    if rows:
                        snapshot[model] = rows
                raise _SeedLoaded
        except _SeedLoaded:
            pass
    return report, snapshot


def restore_seed(seed_snapshot):
    """Write the captured seed rows back; returns the seed loader's report."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    report, snapshot = seed_snapshot
    # Foreign keys are checked at commit on both databases, so the order of models is free.
    with transaction.atomic():
        for model, rows in snapshot.items():
            model._base_manager.bulk_create([model(**row) for row in rows])
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(snapshot)):
                cursor.execute(sql)
    return report


@pytest.fixture
def seeded(request, db, seed_snapshot):
    """The curated seed data from fixtures/, as the real seed loader writes it.

    A transactional test runs the real loader instead of the copy: the copy did not fit
    behind a live server's flush (a foreign key failed at commit), not yet understood.
    """
    if "transactional_db" in request.fixturenames:
        from evidence.seeding import load_seed

        return load_seed()
    return restore_seed(seed_snapshot)


@pytest.fixture
def is_postgres():
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture
def make_staff(db, django_user_model):
    """A staff user in one of the roles the editorial migration creates, e.g. "Editors"."""
    from django.contrib.auth.models import Group

    def make(username: str, group: str | None = "Editors"):
        user = django_user_model.objects.create_user(
            username, f"{username}@example.org", "correct-horse-battery", is_staff=True
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def editor(make_staff):
    return make_staff("editor", "Editors")


@pytest.fixture
def lead_editor(make_staff):
    return make_staff("lead", "Lead editors")


def pytest_configure(config):
    # The production hasher costs ~0.3 s per password on purpose; tests create many users.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Session fixtures (the seed snapshot) write through the cache too: keep that in this
    # process rather than in var/cache, which parallel workers and `make run` share.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    transaction = bool(marker and marker.kwargs.get("transaction"))
    return transaction or bool({"transactional_db", "live_server"} & fixtures)


def pytest_addoption(parser):
    parser.addoption(
        "--db-pass",
        choices=("all", "shared", "flushing"),
        default="all",
        help="shared: only tests that roll back their transaction (safe to run in parallel); "
        "flushing: only transactional and live-server tests, which empty the database",
    )


def pytest_collection_modifyitems(config, items):
    """`make test` runs the two kinds of database test in two passes.

    A transactional test ends by emptying the database. In one process pytest-django runs
    those tests last, but parallel workers (`-n auto --dist loadfile`) get whole files in
    any order, so an emptied database would reach ordinary tests after it. The ordinary
    tests therefore run in parallel first, then the flushing ones in one process.
    """
    which = config.getoption("--db-pass")
    if which == "all":
        return
    keep, drop = [], []
    for item in items:
        (keep if _is_transactional(item) == (which == "flushing") else drop).append(item)
    config.hook.pytest_deselected(items=drop)
    items[:] = keep


def pytest_xdist_make_scheduler(config, log):
    """Whole files to one worker (module fixtures, one Redis per file), except the fuzzer.

    Its shards are scheduled one by one, so both workers share its 10,000 requests
    instead of one worker carrying them alone at the end of the run.
    """
    from xdist.scheduler import LoadFileScheduling

    if config.getoption("dist") != "loadfile":
        return None

    class FilesAndShards(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return nodeid if "[shard" in nodeid else super()._split_scope(nodeid)

    return FilesAndShards(config, log)


@pytest.fixture(autouse=True)
def fresh_cache(settings, request):
    """Each test starts with an empty cache of its own (not the shared var/cache)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }
    # Tests read each response's template context, which a stored page has not got;
    # tests/test_page_cache.py turns the page cache on with the `page_cache` fixture.
    settings.PAGE_CACHE = False
    yield
    from django.core.cache import caches

    caches["default"].clear()


@pytest.fixture
def page_cache(settings):
    """Whole public pages served from the versioned cache, as in production."""
    settings.PAGE_CACHE = True
