"""Shared fixtures: the curated seed data, the real ClinicalTrials.gov samples."""

import os
from pathlib import Path

import pytest

DEFAULT_SAMPLES_DIR = Path(__file__).resolve().parents[2] / "shared" / "ctgov"


def samples_dir() -> Path:
    return Path(os.environ.get("CTGOV_SAMPLES_DIR") or DEFAULT_SAMPLES_DIR)


@pytest.fixture(scope="session")
def ctgov_samples() -> Path:
    """The shared real API responses; skipped locally where absent, a failure in CI."""
    path = samples_dir()
    if not (path / "v2").is_dir():
        message = f"ClinicalTrials.gov samples not found at {path} (set CTGOV_SAMPLES_DIR)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def seeded(db):
    """The curated seed data from fixtures/, loaded through the real seed loader."""
    from evidence.seeding import load_seed

    return load_seed()


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
