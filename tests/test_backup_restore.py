"""Backup and restore round-trip: the dump and the curated export each rebuild the
curated records exactly (same row counts, same checksum) in a new database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from evidence.backups import curated_checksum, curated_counts
from trials.models import FieldLock, Trial

REPO_ROOT = Path(__file__).resolve().parents[1]
# Run in a new process against another database: migrate and restore if asked,
# then print the curated row counts and checksum.
PROBE = """
import json, sys, django
django.setup()
from django.core.management import call_command
if sys.argv[1:]:
    call_command("migrate", verbosity=0)
    call_command("restore_curated", sys.argv[1], verbosity=0)
from evidence.backups import curated_checksum, curated_counts
print(json.dumps({"counts": curated_counts(), "checksum": curated_checksum()}))
"""


def probe(database_url: str, *restore: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env |= {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env["LOG_LEVEL"] = "WARNING"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *restore],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def curated(transactional_db, seeded, django_user_model):
    """The seed plus what editors add: an account, a field lock, an edit with history."""
    editor = django_user_model.objects.create_user("editor", "e@example.org", "pw-long-enough")
    trial = Trial.objects.get(nct_id="NCT03537014")
    FieldLock.objects.create(trial=trial, field="brief_title", reason="curated", locked_by=editor)
    trial.brief_title = trial.brief_title + " (edited)"
    trial._change_reason = "editor's correction"
    trial.save()
    return {"counts": curated_counts(), "checksum": curated_checksum()}


@pytest.fixture
def scratch_url(request):
    """A database URL for a new, empty database; dropped again on PostgreSQL."""
    created = []

    def make(name: str, tmp_path: Path) -> str:
        if connection.vendor != "postgresql":
            return f"sqlite:///{tmp_path / (name + '.sqlite3')}"
        settings = connection.settings_dict
        db_name = f"{settings['NAME']}_{name}"
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db_name}"')
            admin.execute(f'CREATE DATABASE "{db_name}"')
        created.append(db_name)
        host, port, user = settings["HOST"], settings["PORT"] or 5432, settings["USER"]
        return f"postgres://{user}@{host}:{port}/{db_name}"

    yield make
    for db_name in created:
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def _admin_connection():
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def _backup(tmp_path: Path) -> Path:
    call_command("backup", dir=str(tmp_path / "backups"), verbosity=0)
    [folder] = (tmp_path / "backups").iterdir()
    return folder


def test_curated_export_restores_into_a_fresh_database(curated, tmp_path, scratch_url):
    folder = _backup(tmp_path)
    assert curated["counts"]["trials.FieldLock"] == 1
    assert curated["counts"]["trials.HistoricalTrial"] >= 1
    restored = probe(scratch_url("restore_curated", tmp_path), str(folder / "curated.json"))
    assert restored == curated


def test_database_dump_is_a_consistent_copy(curated, tmp_path, scratch_url):
    folder = _backup(tmp_path)
    if connection.vendor == "postgresql":
        url = scratch_url("restore_dump", tmp_path)
        result = subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "-d",
                url.replace("postgres://", "postgresql://"),
                str(folder / "database.dump"),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
    else:
        url = f"sqlite:///{folder / 'database.sqlite3'}"
    assert probe(url) == curated


def test_restore_refuses_a_database_that_already_has_trials(curated, tmp_path):
    from django.core.management.base import CommandError

    folder = _backup(tmp_path)
    with pytest.raises(CommandError, match="already holds trials"):
        call_command("restore_curated", str(folder / "curated.json"))
