"""`migrate` upgrades a database of the previous release, seed and import loaded, losing no row.

The database is built at the latest schema with the real seed loader and the real import
of the ClinicalTrials.gov samples, then migrated back to the previous release's leaf
migrations, counted there, and migrated forward again. Why not load at the old schema
directly: the seed loader and the importer are today's code and write today's columns,
which the old tables may not have yet; rolling back keeps exactly what the old schema can
hold (the test suite already requires reversible migrations, see test_dose_migration.py).
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from evidence.seeding import load_seed
from tests.ctgov_studies import run_import

# The leaf migrations of our apps at the previous release (commit 8d0971b). Move these
# forward at each release; every migration added after them is what this test upgrades
# through. Apps not named here stay at their newest migration.
PREVIOUS_RELEASE = {
    "trials": "0016_sort_indexes",
    "evidence": "0016_link_seeded_findings_to_milestones",
}


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def previous_release() -> list[tuple[str, str]]:
    graph = MigrationExecutor(connection).loader.graph
    leaves = dict(graph.leaf_nodes())
    return [(app, PREVIOUS_RELEASE.get(app, name)) for app, name in leaves.items()]


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def table_keys() -> dict[str, set]:
    """Every table's primary keys (or whole rows, for a table without one)."""
    keys = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            pk = connection.introspection.get_primary_key_column(cursor, table)
            column = connection.ops.quote_name(pk) if pk else "*"
            cursor.execute(f"SELECT {column} FROM {connection.ops.quote_name(table)}")
            keys[table] = {row if not pk else row[0] for row in cursor.fetchall()}
    return keys


def values(sql: str, *params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def facts() -> dict[str, list[tuple]]:
    """A few curated and imported values, read with SQL so either schema can answer."""
    return {
        "trial": values("SELECT slug, brief_title, nct_id FROM trials_trial ORDER BY id"),
        "doses": values(
            "SELECT trial_id, label, dose_initial_min, dose_initial_max,"
            " dose_supplemental_min, dose_supplemental_max FROM trials_arm ORDER BY id"
        ),
        "estimates": values(
            "SELECT id, value, ci_low, ci_high, ci_level, se FROM evidence_effectestimate"
            " ORDER BY id"
        ),
        "history": values(
            "SELECT history_id, id, brief_title, history_type FROM trials_historicaltrial"
            " ORDER BY history_id"
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_migrate_from_the_previous_release_keeps_every_row(ctgov_samples):
    load_seed()
    files = sorted(str(p) for p in (ctgov_samples / "v2").glob("*.json"))
    out, _ = run_import("--from-file", *files)
    assert "errors 0" in out
    try:
        migrate(previous_release())
        before, facts_before = table_keys(), facts()
    finally:
        migrate(latest())
    after, facts_after = table_keys(), facts()

    assert sum(map(len, before.values())) > 1000, "the seed and the import were loaded"
    lost = {table: len(rows - after.get(table, set())) for table, rows in before.items()}
    assert {table: n for table, n in lost.items() if n} == {}
    assert facts_after == facts_before
    titles = {slug: (title, nct) for slug, title, nct in facts_after["trial"]}
    assert titles["mapp1"][1] == "NCT03537014" and "(MAPP1)" in titles["mapp1"][0]
    mapp1_id = values("SELECT id FROM trials_trial WHERE slug = 'mapp1'")[0][0]
    mapp1_doses = [
        row[2:] for row in facts_after["doses"] if row[:2] == (mapp1_id, "MDMA-assisted therapy")
    ]
    assert [tuple(map(float, dose)) for dose in mapp1_doses] == [(80, 120, 40, 60)]
    assert (1.4, -0.074, 2.874, 95.0) in [row[1:5] for row in facts_after["estimates"]]
    assert len(facts_after["history"]) >= len(titles)
    # The schema really is the latest again for the tests that follow.
    assert not MigrationExecutor(connection).migration_plan(latest())
