"""Synthetic trials (and effect estimates) for tests and the benchmark: plain functions, no
factory library."""

import datetime
from decimal import Decimal

from django.contrib.postgres.search import SearchVector
from django.db import connection

from editorial.models import State
from evidence.models import EffectEstimate
from trials.choices import EnrollmentType, OverallStatus, PhaseCode, RecordSource, StudyType
from trials.dates import Precision
from trials.models import (
    Arm,
    Condition,
    Intervention,
    Organization,
    Phase,
    ResultAnalysis,
    ResultGroup,
    ResultMeasurement,
    ResultOutcome,
    Site,
    Trial,
)

_counter = {"n": 0}


def phase(code: str) -> Phase:
    # get_or_create: transactional tests flush the rows migration 0003 made.
    known = PhaseCode(code)
    defaults = {"label": known.label, "order": known.order}
    return Phase.objects.get_or_create(code=code, defaults=defaults)[0]


def next_nct_id() -> str:
    _counter["n"] += 1
    return f"NCT9{_counter['n']:07d}"


def make_trial(
    *,
    title: str = "",
    phases=("PHASE2",),
    conditions=("Post-Traumatic Stress Disorder",),
    countries=("US",),
    doses=(125,),
    interventions=("MDMA",),
    sponsor: str = "Synthetic Sponsor",
    state: str = State.PUBLISHED,
    **fields,
) -> Trial:
    """One published registry trial with its phases, conditions, sites, arms and interventions."""
    nct_id = fields.pop("nct_id", None) or next_nct_id()
    defaults = {
        "brief_title": title or f"Synthetic MDMA trial {nct_id}",
        "overall_status": OverallStatus.COMPLETED,
        "study_type": StudyType.INTERVENTIONAL,
        "enrollment": 50,
        "enrollment_type": EnrollmentType.ACTUAL,
        "start_date": datetime.date(2020, 1, 1),
        "start_date_precision": Precision.MONTH,
        "record_source": RecordSource.REGISTRY,
        "verified": True,
        "state": state,
    }
    defaults.update(fields)
    trial = Trial.objects.create(
        nct_id=nct_id,
        lead_sponsor=Organization.objects.get_or_create(name=sponsor)[0] if sponsor else None,
        **defaults,
    )
    trial.phases.set([phase(code) for code in phases])
    trial.conditions.set([Condition.objects.get_or_create(name=name)[0] for name in conditions])
    for code in countries:
        Site.objects.create(trial=trial, country_code=code, country=code, facility=f"Site {code}")
    for order, dose in enumerate(doses):
        Arm.objects.create(
            trial=trial,
            order=order,
            label=f"MDMA {dose} mg",
            arm_type="EXPERIMENTAL",
            dose_unit="" if dose is None else "mg",
            dose_initial_min=None if dose is None else Decimal(str(dose)),
            dose_initial_max=None if dose is None else Decimal(str(dose)),
            dosing_sessions=3,
        )
    for name in interventions:
        Intervention.objects.create(trial=trial, name=name, intervention_type="DRUG")
    trial.refresh_search()
    return trial


def add_results(trial: Trial) -> ResultOutcome:
    """Posted results for a trial: one outcome, two groups, a between-group analysis."""
    trial.has_results = True
    trial.save(update_fields=["has_results"])
    outcome = ResultOutcome.objects.create(
        trial=trial,
        outcome_type="PRIMARY",
        title="Change in CAPS-5 total severity score",
        param_type="LEAST_SQUARES_MEAN",
        dispersion_type="STANDARD_ERROR",
        unit_of_measure="score on a scale",
        time_frame="Baseline to 18 weeks",
    )
    mdma = ResultGroup.objects.create(
        outcome=outcome, code="OG000", title="MDMA-assisted therapy", participants_raw="46"
    )
    placebo = ResultGroup.objects.create(
        outcome=outcome, code="OG001", title="Placebo with therapy", participants_raw="44"
    )
    ResultMeasurement.objects.create(
        outcome=outcome, group=mdma, value_raw="-24.4", value=-24.4, spread_raw="1.4", spread=1.4
    )
    ResultMeasurement.objects.create(
        outcome=outcome, group=placebo, value_raw="-13.9", value=-13.9, spread_raw="1.5"
    )
    ResultAnalysis.objects.create(
        outcome=outcome,
        group_codes=["OG000", "OG001"],
        param_type="Mean Difference (Net)",
        param_value_raw="-11.9",
        ci_pct_raw="95",
        ci_lower_raw="-16.1",
        ci_upper_raw="-7.7",
        p_value_raw="<0.0001",
        statistical_method="Mixed Models Analysis",
    )
    return outcome


def add_estimate(**fields) -> EffectEstimate:
    """An effect estimate saved straight through the ORM, skipping the admin's validation:
    a PTSD trial's standardised mean difference unless ``fields`` say otherwise."""
    values = {
        "label": "Synthetic",
        "outcome_measure": "CAPS-5 total severity",
        "comparison": "MDMA-assisted therapy vs placebo",
        "metric": "cohens_d",
        "value": 0.5,
        "n_treatment": 40,
        "n_control": 40,
        "sources": "https://example.org/paper",
    }
    return EffectEstimate.objects.create(**values | fields)


def make_trials_bulk(count: int, *, start_year: int = 2000) -> None:
    """Many published trials quickly (bulk inserts), for query-count tests and the benchmark."""
    phases = [phase("PHASE2"), phase("PHASE3")]
    conditions = [
        Condition.objects.get_or_create(name=name)[0]
        for name in ("Post-Traumatic Stress Disorder", "Major Depressive Disorder", "Anxiety")
    ]
    sponsor = Organization.objects.get_or_create(name="Synthetic Sponsor")[0]
    statuses = [OverallStatus.COMPLETED, OverallStatus.RECRUITING, OverallStatus.TERMINATED]
    trials = []
    for i in range(count):
        nct_id = next_nct_id()
        trials.append(
            Trial(
                nct_id=nct_id,
                slug=nct_id.lower(),
                brief_title=f"Synthetic MDMA trial {i}",
                overall_status=statuses[i % 3],
                study_type=StudyType.INTERVENTIONAL,
                enrollment=10 + i % 500,
                enrollment_type=EnrollmentType.ACTUAL,
                start_date=datetime.date(start_year + i % 25, 1 + i % 12, 1),
                start_date_precision=Precision.MONTH,
                has_results=i % 4 == 0,
                lead_sponsor=sponsor,
                record_source=RecordSource.REGISTRY,
                state=State.PUBLISHED,
                verified=True,
                search_text=f"{nct_id} Synthetic MDMA trial {i} PTSD",
            )
        )
    created = Trial.objects.bulk_create(trials, batch_size=1000)
    if not created or created[0].pk is None:
        created = list(Trial.objects.filter(nct_id__in=[t.nct_id for t in trials]))
    phase_rows, condition_rows, sites, arms = [], [], [], []
    for i, trial in enumerate(created):
        phase_rows.append(Trial.phases.through(trial_id=trial.pk, phase_id=phases[i % 2].pk))
        condition_rows.append(
            Trial.conditions.through(trial_id=trial.pk, condition_id=conditions[i % 3].pk)
        )
        for code in ("US", "NO", "CA")[: 1 + i % 3]:
            sites.append(Site(trial_id=trial.pk, country_code=code, country=code))
        arms.append(
            Arm(
                trial_id=trial.pk,
                label="MDMA",
                dose_unit="mg",
                dose_initial_min=Decimal(80 + 40 * (i % 3)),
                dose_initial_max=Decimal(80 + 40 * (i % 3)),
            )
        )
    Trial.phases.through.objects.bulk_create(phase_rows, batch_size=2000)
    Trial.conditions.through.objects.bulk_create(condition_rows, batch_size=2000)
    Site.objects.bulk_create(sites, batch_size=2000)
    Arm.objects.bulk_create(arms, batch_size=2000)
    Trial.objects.refresh_facets([t.pk for t in created])
    if connection.vendor == "postgresql":
        Trial.objects.filter(pk__in=[t.pk for t in created]).update(
            search_vector=SearchVector("search_text", config="english")
        )
