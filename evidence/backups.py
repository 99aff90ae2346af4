"""Backups: a consistent database dump plus a portable export of the curated data.

The dump (`pg_dump -Fc` on PostgreSQL, SQLite's online backup API on SQLite) restores
the same database engine exactly. The curated export is Django JSON with natural keys
for users, groups and permissions, so `restore_curated` loads it into a fresh database
of either engine: editors' records, field locks, review history and the trials they
refer to.
"""

import datetime
import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.contrib.postgres.search import SearchVector
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from trials.models import FieldLock, Trial

# What the curated export holds: our two apps (every model, histories included),
# and the accounts that edited them.
EXPORT_LABELS = ["auth.group", "auth.user", "trials", "evidence"]
CURATED_EXPORT = "curated.json"
DERIVED_LABELS = {"trials.TrialFacetValue"}


class BackupError(Exception):
    """The backup could not be written; the message says why."""


def dump_database(target_dir: Path) -> Path:
    """A consistent copy of the whole database in target_dir; returns its path."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupError("pg_dump is missing (Debian: apt-get install postgresql-client)")
        path = target_dir / "database.dump"
        command = ["pg_dump", "-Fc", "--no-owner", "-f", str(path), settings_dict["NAME"]]
        for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
            if settings_dict.get(key):
                command[1:1] = [flag, str(settings_dict[key])]
        env = {"PGPASSWORD": settings_dict["PASSWORD"]} if settings_dict.get("PASSWORD") else {}
        result = subprocess.run(command, capture_output=True, text=True, env=os.environ | env)
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return path
    path = target_dir / "database.sqlite3"
    connection.ensure_connection()
    # The online backup API copies a consistent snapshot while others keep writing.
    destination = sqlite3.connect(path)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    return path


class ExactJSONEncoder(DjangoJSONEncoder):
    """Keeps microseconds: Django's encoder cuts times to milliseconds, so a restored
    history_date would differ from the original one."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def _serialize(objects, stream=None) -> str | None:
    return serializers.serialize(
        "json",
        objects,
        stream=stream,
        cls=ExactJSONEncoder,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
        indent=1,
    )


def export_curated(path: Path) -> None:
    """What `dumpdata --natural-foreign --natural-primary` writes, at full time precision."""
    models = []
    for label in EXPORT_LABELS:
        if "." in label:
            models.append(apps.get_model(label))
        else:
            models += list(apps.get_app_config(label).get_models())
    # Facet rows are derived from the rest; restore_curated rebuilds them.
    models = [m for m in models if m._meta.label not in DERIVED_LABELS]
    ordered = serializers.sort_dependencies([(None, models)], allow_cycles=True)

    def rows():
        for model in ordered:
            yield from model._base_manager.order_by(model._meta.pk.name).iterator()

    with open(path, "w", encoding="utf-8") as stream, transaction.atomic():
        _serialize(rows(), stream)


def restore_curated(path: Path) -> None:
    """Load an export into a fresh, migrated database, all or nothing."""
    with transaction.atomic():
        call_command("loaddata", str(path), verbosity=0)
        # Derived rows, rebuilt so an export from before they existed restores whole.
        Trial.objects.refresh_facets()
        if connection.vendor == "postgresql":
            # Rebuilt rather than trusted: the export may come from SQLite, which has none.
            Trial.objects.update(search_vector=SearchVector("search_text", config="english"))


def curated_models() -> list:
    """Editors' records: evidence, field locks, and the history of every record."""
    models = list(apps.get_app_config("evidence").get_models()) + [FieldLock]
    models += [m for m in apps.get_models() if m.__name__.startswith("Historical")]
    return sorted(set(models), key=lambda m: m._meta.label)


def curated_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in curated_models()}


def curated_checksum() -> str:
    """A SHA-256 over the curated records, serialised in primary-key order."""
    digest = hashlib.sha256()
    for model in curated_models():
        digest.update(model._meta.label.encode())
        rows = model.objects.order_by("pk")
        digest.update(_serialize(rows).encode())
    return digest.hexdigest()
