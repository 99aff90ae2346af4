"""A GIN index for full-text search on PostgreSQL; SQLite searches without one."""

from django.db import migrations

INDEX = "trials_trial_search_vector_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON trials_trial USING gin (search_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("trials", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
