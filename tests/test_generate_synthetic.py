"""`generate_synthetic`: the benchmark's trials, the same for the same seed, realistic in shape."""

from io import StringIO

import pytest
from django.core.management import call_command

from trials.ctgov.parse import parse_study, raw_json_text
from trials.models import Arm, Site, Trial
from trials.synthetic import plans, raw_record, raw_text

pytestmark = pytest.mark.django_db


def generate(count: int, seed: int) -> None:
    call_command("generate_synthetic", trials=count, seed=seed, stdout=StringIO())


def snapshot() -> list[tuple]:
    trials = Trial.objects.order_by("nct_id").prefetch_related("conditions", "arms", "sites")
    return [
        (
            t.nct_id,
            t.brief_title,
            t.enrollment,
            t.start_date,
            t.raw_hash,
            sorted(c.name for c in t.conditions.all()),
            [(a.label, a.dose_initial_min) for a in t.arms.all()],
            sorted((s.facility, s.country_code) for s in t.sites.all()),
        )
        for t in trials
    ]


def test_the_same_seed_makes_the_same_trials():
    generate(12, seed=3)
    first = snapshot()
    Trial.objects.all().delete()
    generate(12, seed=3)
    assert snapshot() == first
    Trial.objects.all().delete()
    generate(12, seed=4)
    assert snapshot() != first


def test_running_again_reuses_the_trials_already_there():
    generate(10, seed=1)
    generate(15, seed=1)
    assert Trial.objects.count() == 15


def test_trials_have_the_shape_of_real_ones():
    generate(30, seed=2)
    for trial in Trial.objects.published().prefetch_related(
        "conditions", "arms", "sites", "outcome_measures", "phases", "interventions"
    ):
        assert 1 <= trial.conditions.count() <= 4
        assert 2 <= trial.arms.count() <= 4
        assert any(a.dose_initial_min for a in trial.arms.all())
        assert 1 <= trial.sites.count() <= 15
        assert 1 <= len({s.country_code for s in trial.sites.all()}) <= 4
        assert 2 <= trial.outcome_measures.count() <= 8
        assert trial.phases.exists() and trial.lead_sponsor_id
        assert len(str(trial.raw_json)) > 1500  # a record of realistic size
    assert Arm.objects.filter(dose_unit="mg", dose_initial_min__isnull=False).exists()
    assert Site.objects.exclude(country_code="").count() == Site.objects.count()


def test_the_raw_record_is_one_the_importer_reads_as_the_rows_say():
    plan = next(plans(1, seed=5))
    parsed = parse_study(raw_record(plan))
    assert parsed.warnings == ()
    assert parsed.nct_id == plan.nct_id
    assert [c.name for c in parsed.conditions] == plan.conditions
    assert len(parsed.arms) == len(plan.arms) and len(parsed.sites) == len(plan.sites)


def test_the_raw_text_written_straight_from_a_plan_is_the_records_canonical_dump():
    for plan in plans(200, seed=6):
        assert raw_text(plan) == raw_json_text(raw_record(plan))
