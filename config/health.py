"""/healthz: is this instance fit to serve? Database, migrations, import freshness.

One query answers all three: the applied migrations and the last successful import
are read together, and the migrations on disk are compared with what the database
has applied (the disk side is read once per process).
"""

from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from trials.models import ImportRun


@cache
def migrations_on_disk() -> frozenset[tuple[str, str]]:
    """Every migration the code defines, as (app, name), squashed ones resolved."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.nodes)


def _one_query() -> tuple[set[tuple[str, str]], datetime | None]:
    migrations = MigrationRecorder.Migration._meta.db_table
    runs = ImportRun._meta.db_table
    quote = connection.ops.quote_name
    sql = (
        f"SELECT app, name, NULL FROM {quote(migrations)} "
        f"UNION ALL SELECT NULL, NULL, MAX(finished_at) FROM {quote(runs)} WHERE status = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ImportRun.Status.SUCCEEDED])
        rows = cursor.fetchall()
    applied = {(app, name) for app, name, _ in rows if app is not None}
    finished = next((value for app, _, value in rows if app is None), None)
    if isinstance(finished, str):  # SQLite returns the aggregate as text
        finished = parse_datetime(finished)
    if finished is not None and timezone.is_naive(finished):
        finished = timezone.make_aware(finished, UTC)
    return applied, finished


def health(now: datetime | None = None) -> tuple[bool, dict]:
    """(healthy, report). The report names what failed and holds no secrets."""
    now = now or timezone.now()
    try:
        applied, last_import = _one_query()
    except DatabaseError as exc:
        report = {"status": "fail", "database": "fail", "failed": ["database"]}
        return False, report | {"error": type(exc).__name__}
    pending = sorted(f"{app}.{name}" for app, name in migrations_on_disk() - applied)
    age = None if last_import is None else round((now - last_import).total_seconds())
    failed = []
    if pending:
        failed.append("migrations")
    max_age = settings.HEALTH_MAX_IMPORT_AGE_HOURS * 3600
    if max_age and (age is None or age > max_age):
        failed.append("import")
    report = {
        "status": "fail" if failed else "ok",
        "database": "ok",
        "pending_migrations": bool(pending),
        "last_import_at": last_import.isoformat() if last_import else None,
        "last_import_age_seconds": age,
    }
    if pending:
        report["pending"] = pending
    if failed:
        report["failed"] = failed
    return not failed, report
