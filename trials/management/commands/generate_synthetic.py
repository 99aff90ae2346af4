"""Create realistic synthetic published trials in bulk, for benchmarks (never in production)."""

import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from editorial.models import State
from trials import synthetic_copy
from trials.choices import RecordSource
from trials.ctgov.parse import raw_hash
from trials.datacache import bump_data_version
from trials.models import (
    Arm,
    Condition,
    Intervention,
    Organization,
    OutcomeMeasure,
    Phase,
    Site,
    Trial,
    TrialIdentifier,
)
from trials.search import fold
from trials.synthetic import CONDITIONS, COUNTRIES, PHASES, Plan, plans, raw_record

CHUNK = 2000
OUTCOME_KIND = {"primaryOutcomes": "PRIMARY", "secondaryOutcomes": "SECONDARY"}


class Command(BaseCommand):
    help = "Create N synthetic published trials (NCT8xxxxxxx), the same ones for the same seed."

    def add_arguments(self, parser):
        parser.add_argument("--trials", type=int, required=True)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, trials, seed, **options):
        started = time.perf_counter()
        with transaction.atomic():
            created = _generate(trials, seed)
        bump_data_version()  # the list's cached counts now include these trials
        seconds = time.perf_counter() - started
        rate = created / seconds if seconds else 0
        self.stdout.write(f"created {created:,} synthetic trials in {seconds:.1f}s ({rate:,.0f}/s)")


def _generate(count: int, seed: int) -> int:
    """Write the plans not there yet, in chunks; returns how many were new."""
    existing = set(Trial.objects.filter(nct_id__startswith="NCT8").values_list("nct_id", flat=True))
    if connection.vendor != "postgresql":
        return _write_chunks(count, seed, existing, _write_orm)
    with connection.cursor() as cursor:
        # Benchmark rows: a crash may lose the last commit, never corrupt it.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
    if count - len(existing) < Trial.objects.count():
        return _write_chunks(count, seed, existing, _write_copy)
    # Mostly new rows: building the indexes once at the end is far cheaper.
    with synthetic_copy.indexes_built_after(synthetic_copy.tables()):
        return _write_chunks(count, seed, existing, _write_copy)


def _write_chunks(count: int, seed: int, existing: set[str], write) -> int:
    lookups = _lookups()
    created = 0
    for start in range(0, count, CHUNK):
        chunk = [p for p in plans(min(CHUNK, count - start), seed, start)]
        chunk = [p for p in chunk if p.nct_id not in existing]  # reuse what is there
        if chunk:
            _sponsors(chunk, lookups)
            write(chunk, lookups)
            created += len(chunk)
    return created


def _write_copy(chunk: list[Plan], lookups: dict) -> None:
    # COPY writes the facet rows with the trials (see trials.synthetic_copy).
    synthetic_copy.write(chunk, lookups, _trial_fields(), _search_text)


def _write_orm(chunk: list[Plan], lookups: dict) -> None:
    Trial.objects.filter(pk__in=_write(chunk, lookups)).refresh_facets()


def _lookups() -> dict:
    """Phases, conditions, sponsors the plans name, created where missing."""
    for codes in PHASES:
        for code in codes:
            Phase.objects.get_or_create(code=code, defaults={"label": code, "order": 50})
    Condition.objects.bulk_create([Condition(name=n) for n in CONDITIONS], ignore_conflicts=True)
    return {
        "phase": {p.code: p.pk for p in Phase.objects.all()},
        "condition": dict(Condition.objects.values_list("name", "pk")),
        "sponsor": {},
    }


def _sponsors(chunk: list[Plan], lookups: dict) -> None:
    known = lookups["sponsor"]
    names = {p.sponsor for p in chunk} - set(known)
    Organization.objects.bulk_create(
        [Organization(name=n, agency_class="OTHER") for n in names], ignore_conflicts=True
    )
    known.update(Organization.objects.filter(name__in=names).values_list("name", "pk"))


def _search_text(p: Plan) -> str:
    parts = [p.nct_id, p.title, f"A Randomized Study: {p.title}", p.summary, *p.conditions]
    text = "\n".join([*parts, "Midomafetamine", f"SYN-{p.index}"])
    return text if text.isascii() else fold(text)  # folding ASCII changes nothing, slowly


def _trial_fields() -> dict:
    """What every synthetic trial has in common."""
    now = timezone.now()
    return {
        "study_type": "INTERVENTIONAL",
        "enrollment_type": "ACTUAL",
        "start_date_precision": "day",
        "start_date_type": "ACTUAL",
        "record_source": RecordSource.REGISTRY,
        "state": State.PUBLISHED,
        "published_at": now,
        "last_imported_at": now,
        "last_checked_at": now,
    }


def _trial(p: Plan, sponsor_id: int, common: dict) -> Trial:
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
        search_text=_search_text(p),
    )


def _write(chunk: list[Plan], lookups: dict) -> list[int]:
    """The portable path (SQLite): bulk_create; returns the new trial ids."""
    common = _trial_fields()
    trials = Trial.objects.bulk_create(
        [_trial(p, lookups["sponsor"][p.sponsor], common) for p in chunk], batch_size=500
    )
    rows = {"phases": [], "conditions": [], "sites": [], "outcomes": [], "ids": [], "arms": []}
    for p, t in zip(chunk, trials, strict=True):
        rows["phases"] += [
            Trial.phases.through(trial_id=t.pk, phase_id=lookups["phase"][c]) for c in p.phases
        ]
        rows["conditions"] += [
            Trial.conditions.through(trial_id=t.pk, condition_id=lookups["condition"][c])
            for c in p.conditions
        ]
        codes = dict(COUNTRIES)
        rows["sites"] += [
            Site(trial_id=t.pk, facility=f, city=c, country=n, country_code=codes[n], status=s)
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
    for name, model in (("phases", Trial.phases.through), ("conditions", Trial.conditions.through)):
        model.objects.bulk_create(rows[name], batch_size=2000)
    Site.objects.bulk_create(rows["sites"], batch_size=2000)
    OutcomeMeasure.objects.bulk_create(rows["outcomes"], batch_size=2000)
    TrialIdentifier.objects.bulk_create(rows["ids"], batch_size=2000)
    arms = Arm.objects.bulk_create(rows["arms"], batch_size=2000)
    _interventions(trials, arms)
    return [t.pk for t in trials]


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
