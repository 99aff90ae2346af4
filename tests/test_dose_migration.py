"""Migration 0004 turns each stored fixed mg dose into a range with min = max, history included."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("trials", "0003_phases")]
AFTER = [("trials", "0004_arm_dose_ranges")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_fixed_doses_become_ranges_and_missing_doses_stay_missing():
    old = migrate(BEFORE)
    trial = old.get_model("trials", "Trial").objects.create(
        slug="t", brief_title="T", record_source="registry"
    )
    Arm = old.get_model("trials", "Arm")
    Arm.objects.create(
        trial=trial, label="MDMA", dose_initial_mg=Decimal(125), dose_supplemental_mg=62.5
    )
    Arm.objects.create(trial=trial, label="Placebo")
    old.get_model("trials", "HistoricalArm").objects.create(
        id=1,
        trial_id=trial.pk,
        label="MDMA",
        dose_initial_mg=Decimal(120),
        history_date="2024-01-01T00:00:00Z",
        history_type="+",
        order=0,
        record_source="registry",
    )
    try:
        new = migrate(AFTER)
        arms = {
            a.label: (
                a.dose_unit,
                a.dose_initial_min,
                a.dose_initial_max,
                a.dose_supplemental_min,
                a.dose_supplemental_max,
            )
            for a in new.get_model("trials", "Arm").objects.all()
        }
        assert arms == {
            "MDMA": ("mg", Decimal(125), Decimal(125), Decimal("62.5"), Decimal("62.5")),
            "Placebo": ("", None, None, None, None),
        }
        history = new.get_model("trials", "HistoricalArm").objects.get()
        assert (history.dose_unit, history.dose_initial_min, history.dose_initial_max) == (
            "mg",
            Decimal(120),
            Decimal(120),
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
