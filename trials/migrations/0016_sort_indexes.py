"""Indexes matching each sort of the public trial list, on published trials only.

The list orders by e.g. ``start_date DESC NULLS LAST, id`` over published trials; an
index in exactly that order lets PostgreSQL read a page (and, with a keyset, a deep
page) without sorting every trial. Partial (``WHERE state = 'published'``) so drafts
cost nothing and the index stays small. SQLite has no NULLS LAST in an index and
serves small databases; it gets plain partial indexes on the same columns.
"""

from django.db import migrations

PUBLISHED = "state = 'published'"
# name: (PostgreSQL order, SQLite order)
SORTS = {
    "trial_pub_start_desc": ("start_date DESC NULLS LAST, id", "start_date DESC, id"),
    "trial_pub_start_asc": ("start_date ASC NULLS LAST, id", "start_date, id"),
    "trial_pub_enrollment": ("enrollment DESC NULLS LAST, id", "enrollment DESC, id"),
    "trial_pub_updated": ("last_update_posted DESC NULLS LAST, id", "last_update_posted DESC, id"),
    "trial_pub_title": ("brief_title, id", "brief_title, id"),
}


def create_indexes(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for name, (pg_order, sqlite_order) in SORTS.items():
        order = pg_order if postgres else sqlite_order
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON trials_trial ({order}) WHERE {PUBLISHED}"
        )


def drop_indexes(apps, schema_editor):
    for name in SORTS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("trials", "0015_facet_values")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
