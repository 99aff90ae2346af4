"""Indexes for the trial list's cold facets: facet rows by trial, arms by mg dose.

The facet counts of a filtered list are one GROUP BY over the facet rows of the
trials that match; a dose filter picks those trials from the arms. With these
indexes both are index scans over just the matching rows: a dose bound no arm
reaches costs nothing instead of a scan of every arm and every facet row.
The arm indexes are partial (``dose_unit = 'mg'``, the only arms a mg bound
compares) and written as SQL because they belong to the list, not to the Arm model.
"""

from django.db import migrations, models

ARM_INDEXES = {
    "arm_mg_initial_max": "dose_initial_max, trial_id",
    "arm_mg_initial_min": "dose_initial_min, trial_id",
}


def create_arm_indexes(apps, schema_editor):
    for name, columns in ARM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON trials_arm ({columns}) WHERE dose_unit = 'mg'"
        )


def drop_arm_indexes(apps, schema_editor):
    for name in ARM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("trials", "0016_sort_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="trialfacetvalue",
            index=models.Index(
                condition=models.Q(("published", True)),
                fields=["trial", "facet", "value"],
                name="facet_published_trial",
            ),
        ),
        migrations.RunPython(create_arm_indexes, drop_arm_indexes),
    ]
