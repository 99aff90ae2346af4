"""Migrations 0004 and 0005: stored fixed mg doses become ranges (min = max, history included),
and seeded arms still holding the old fixed dose get the fact sheet's range."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("trials", "0005_participant_flow_and_baseline")]
AFTER = [("trials", "0007_correct_seeded_flexible_doses")]


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
    Trial = old.get_model("trials", "Trial")
    mapp1 = Trial.objects.create(slug="mapp1", brief_title="MAPP1", record_source="registry")
    autism = Trial.objects.create(
        slug="autism-social-anxiety", brief_title="A", record_source="registry"
    )
    for arm_trial, dose, supplement in ((mapp1, 120, 60), (autism, 100, None)):
        Arm.objects.create(
            trial=arm_trial,
            label="MDMA-assisted therapy" if arm_trial == mapp1 else "MDMA",
            record_source="curated",
            dose_initial_mg=Decimal(dose),
            dose_supplemental_mg=supplement,
        )
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
            for a in new.get_model("trials", "Arm").objects.exclude(
                trial__slug="autism-social-anxiety"
            )
        }
        assert arms == {
            "MDMA": ("mg", Decimal(125), Decimal(125), Decimal("62.5"), Decimal("62.5")),
            "Placebo": ("", None, None, None, None),
            # The seeded MAPP1 arm still held 120 + 60 mg: corrected to the sheet's range.
            "MDMA-assisted therapy": ("mg", 80, 120, 40, 60),
        }
        # An editor had changed the autism arm (100 mg): it is left alone.
        edited = new.get_model("trials", "Arm").objects.get(trial__slug="autism-social-anxiety")
        assert (edited.dose_initial_min, edited.dose_initial_max) == (100, 100)
        history = new.get_model("trials", "HistoricalArm").objects.get()
        assert (history.dose_unit, history.dose_initial_min, history.dose_initial_max) == (
            "mg",
            Decimal(120),
            Decimal(120),
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
