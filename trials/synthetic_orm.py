"""generate_synthetic's portable path (SQLite): model instances written with bulk_create."""

from trials.ctgov.parse import raw_hash
from trials.models import Arm, Intervention, OutcomeMeasure, Site, Trial, TrialIdentifier
from trials.synthetic import COUNTRIES, Plan, raw_record

OUTCOME_KIND = {"primaryOutcomes": "PRIMARY", "secondaryOutcomes": "SECONDARY"}
CODES = dict(COUNTRIES)


def write(chunk: list[Plan], lookups: dict, trial_fields: dict, search_text) -> list[int]:
    """Write the chunk's trials and every related row but the facets; returns the new ids."""
    trials = Trial.objects.bulk_create(
        [_trial(p, lookups["sponsor"][p.sponsor], trial_fields, search_text) for p in chunk],
        batch_size=500,
    )
    rows = _rows(chunk, trials, lookups)
    for name, model in (("phases", Trial.phases.through), ("conditions", Trial.conditions.through)):
        model.objects.bulk_create(rows[name], batch_size=2000)
    Site.objects.bulk_create(rows["sites"], batch_size=2000)
    OutcomeMeasure.objects.bulk_create(rows["outcomes"], batch_size=2000)
    TrialIdentifier.objects.bulk_create(rows["ids"], batch_size=2000)
    arms = Arm.objects.bulk_create(rows["arms"], batch_size=2000)
    _interventions(trials, arms)
    return [t.pk for t in trials]


def _trial(p: Plan, sponsor_id: int, common: dict, search_text) -> Trial:
    raw = raw_record(p)
    return Trial(
        **common,
        nct_id=p.nct_id,
        slug=p.nct_id.lower(),
        brief_title=p.title,
        official_title=f"A Randomized Study: {p.title}",
        summary=p.summary,
        overall_status=p.status,
        enrollment=p.enrollment,
        start_date=p.start,
        first_posted=p.start,
        lead_sponsor_id=sponsor_id,
        raw_json=raw,
        raw_hash=raw_hash(raw),
        search_text=search_text(p),
    )


def _rows(chunk: list[Plan], trials: list[Trial], lookups: dict) -> dict[str, list]:
    """The related rows of each new trial, unsaved, by kind."""
    rows = {"phases": [], "conditions": [], "sites": [], "outcomes": [], "ids": [], "arms": []}
    for p, t in zip(chunk, trials, strict=True):
        rows["phases"] += [
            Trial.phases.through(trial_id=t.pk, phase_id=lookups["phase"][c]) for c in p.phases
        ]
        rows["conditions"] += [
            Trial.conditions.through(trial_id=t.pk, condition_id=lookups["condition"][c])
            for c in p.conditions
        ]
        rows["sites"] += [
            Site(trial_id=t.pk, facility=f, city=c, country=n, country_code=CODES[n], status=s)
            for f, c, n, s in p.sites
        ]
        rows["outcomes"] += [
            OutcomeMeasure(
                trial_id=t.pk, order=i, kind=OUTCOME_KIND[k], measure=m, time_frame=time_frame
            )
            for i, (k, m, time_frame) in enumerate(p.outcomes)
        ]
        rows["ids"].append(TrialIdentifier(trial_id=t.pk, kind="SPONSOR", value=f"SYN-{p.index}"))
        rows["arms"] += [_arm(t.pk, order, arm) for order, arm in enumerate(p.arms)]
    return rows


def _arm(trial_id: int, order: int, arm: tuple) -> Arm:
    label, kind, (initial, supplemental) = arm
    dosed = bool(initial)
    return Arm(
        trial_id=trial_id,
        order=order,
        label=label,
        arm_type=kind,
        dose_unit="mg" if dosed else "",
        dose_initial_min=initial or None,
        dose_initial_max=initial or None,
        dose_supplemental_min=supplemental if dosed else None,
        dose_supplemental_max=supplemental if dosed else None,
        dosing_sessions=3 if dosed else None,
    )


def _interventions(trials: list[Trial], arms: list[Arm]) -> None:
    items = Intervention.objects.bulk_create(
        [
            Intervention(
                trial_id=t.pk, name="Midomafetamine", intervention_type="DRUG", other_names=["MDMA"]
            )
            for t in trials
        ],
        batch_size=2000,
    )
    by_trial = {i.trial_id: i.pk for i in items}
    Intervention.arms.through.objects.bulk_create(
        [
            Intervention.arms.through(intervention_id=by_trial[a.trial_id], arm_id=a.pk)
            for a in arms
            if a.dose_unit
        ],
        batch_size=2000,
    )
