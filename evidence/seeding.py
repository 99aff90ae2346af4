"""Load the curated seed data in fixtures/ (sourced from shared/facts) idempotently.

Records are matched on a stable key (a trial's NCT id or slug, other records'
``seed_key``). A record that already exists is left exactly as it is, so seeding
again never undoes an editor's correction or an import's update. Every key
applied is written to the seed ledger (``SeedLedgerEntry``); a key in the
ledger whose record is gone was deleted by an editor and is never recreated.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from editorial.models import State
from evidence.appraisal_seed import APPRAISAL_FILE, seed_appraisals
from evidence.models import (
    EffectEstimate,
    OutcomeFamily,
    Publication,
    RegulatoryMilestone,
    SeedLedgerEntry,
)
from evidence.seeding_safety import FIXTURE as SAFETY_FIXTURE
from evidence.seeding_safety import seed_safety_findings
from trials.bulk import ids_by_name
from trials.choices import IdentifierKind, RecordSource
from trials.dates import parse_partial_date
from trials.models import (
    Arm,
    Condition,
    CuratedTrialFacts,
    Organization,
    OutcomeMeasure,
    Phase,
    Site,
    Trial,
    TrialIdentifier,
)

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
# An arm's dose amounts, in the unit the fixture states (dose_unit), never converted.
DOSE_AMOUNTS = (
    "dose_initial_min",
    "dose_initial_max",
    "dose_supplemental_min",
    "dose_supplemental_max",
)


# Ledger kind -> the model its records live in.
LEDGER_MODELS = {
    "trials": Trial,
    "publications": Publication,
    "milestones": RegulatoryMilestone,
    "effect estimates": EffectEstimate,
    "outcome families": OutcomeFamily,
}


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    present: dict[str, int] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.present
        bucket[kind] = bucket.get(kind, 0) + 1

    def skip(self, kind: str, key: str) -> None:
        self.skipped.append((kind, key))

    def summary(self) -> str:
        skipped = {}
        for kind, _ in self.skipped:
            skipped[kind] = skipped.get(kind, 0) + 1
        kinds = sorted(set(self.created) | set(self.present) | set(skipped))
        return "; ".join(
            f"{kind}: {self.created.get(kind, 0)} created, "
            f"{self.present.get(kind, 0)} already present"
            + (f", {skipped[kind]} skipped (deleted since seeded)" if kind in skipped else "")
            for kind in kinds
        )


class Ledger:
    """The seed keys applied so far (one query), and the ones this run adds."""

    def __init__(self):
        self.applied = set(SeedLedgerEntry.objects.values_list("kind", "key"))
        self.new: list[SeedLedgerEntry] = []

    def seen(self, kind: str, key: str) -> bool:
        return (kind, key) in self.applied

    def record(self, kind: str, key: str, obj) -> None:
        if (kind, key) not in self.applied:
            self.applied.add((kind, key))
            self.new.append(SeedLedgerEntry(kind=kind, key=key, object_id=obj.pk))

    def save(self) -> None:
        SeedLedgerEntry.objects.bulk_create(self.new)


def _applied(ledger: Ledger, report: SeedReport, kind: str, key: str, existing):
    """Whether to stop here: the record exists (counted present) or was deleted (skipped)."""
    if existing is not None:
        ledger.record(kind, key, existing)
        report.count(kind, False)
        return True
    if ledger.seen(kind, key):
        report.skip(kind, key)
        return True
    return False


def skipped_keys() -> list[SeedLedgerEntry]:
    """Ledger entries whose record no longer exists: what `seed` will not bring back."""
    gone = []
    for kind, model in LEDGER_MODELS.items():
        entries = list(SeedLedgerEntry.objects.filter(kind=kind))
        alive = set(
            model.objects.filter(pk__in=[e.object_id for e in entries]).values_list("pk", flat=True)
        )
        gone += [e for e in entries if e.object_id not in alive]
    return gone


def _read(directory: Path, name: str) -> list[dict]:
    with open(directory / name, encoding="utf-8") as handle:
        return json.load(handle)


def _published(record: dict) -> dict:
    return {
        "sources": "\n".join(record["sources"]),
        "verified": record.get("verified", False),
        "unverified_note": record.get("unverified_note", ""),
        "state": State.PUBLISHED,
        "published_at": timezone.now(),
    }


@transaction.atomic
def load_seed(directory: Path = FIXTURES_DIR) -> SeedReport:
    report, ledger = SeedReport(), Ledger()
    trials = {
        rec["key"]: _seed_trial(rec, report, ledger) for rec in _read(directory, "trials.json")
    }
    publications = {
        rec["key"]: _seed_publication(rec, trials, report, ledger)
        for rec in _read(directory, "publications.json")
    }
    for rec in _read(directory, "milestones.json"):
        _seed_milestone(rec, trials, publications, report, ledger)
    for rec in _read(directory, "estimates.json"):
        _seed_estimate(rec, trials, publications, report, ledger)
    for rec in _read(directory, "outcome_families.json"):
        existing = OutcomeFamily.objects.filter(slug=rec["slug"]).first()
        if _applied(ledger, report, "outcome families", rec["slug"], existing):
            continue
        family = OutcomeFamily.objects.create(**rec)
        ledger.record("outcome families", rec["slug"], family)
        report.count("outcome families", True)
    seed_safety_findings(_read(directory, SAFETY_FIXTURE), trials, publications, report)
    families = {f.slug: f for f in OutcomeFamily.objects.all()}
    seed_appraisals(_read(directory, APPRAISAL_FILE), families, report)
    ledger.save()
    return report


def _present(records: dict, keys) -> list:
    # A linked record an editor deleted is not linked again.
    return [records[key] for key in keys if records[key] is not None]


def _find_trial(rec: dict) -> Trial | None:
    if rec.get("nct_id"):
        found = Trial.objects.find(rec["nct_id"]).first()
        if found:
            return found
    return Trial.objects.filter(slug=rec["key"]).first()


def _seed_trial(rec: dict, report: SeedReport, ledger: Ledger) -> Trial | None:
    existing = _find_trial(rec)
    if _applied(ledger, report, "trials", rec["key"], existing):
        return existing
    trial = _new_trial(rec)
    trial.full_clean(exclude=["lead_sponsor"])
    trial.save()
    _link_trial(trial, rec)
    _seed_arms(trial, rec.get("arms", []))
    for site in rec.get("sites", []):
        Site.objects.create(trial=trial, record_source=RecordSource.CURATED, **site)
    if facts := rec.get("curated_facts"):
        curated = CuratedTrialFacts(trial=trial, **facts)
        curated.full_clean()
        curated.save()
    for order, outcome in enumerate(rec.get("outcomes", [])):
        OutcomeMeasure.objects.create(trial=trial, order=order, **outcome)
    trial.refresh_search()
    ledger.record("trials", rec["key"], trial)
    report.count("trials", True)
    return trial


def _trial_dates(rec: dict) -> dict:
    """The fixture's partial dates as the trial's date and precision fields."""
    dates = {}
    for name in ("start", "primary_completion", "completion"):
        parsed = parse_partial_date(rec.get(name))
        prefix = "start_date" if name == "start" else f"{name}_date"
        dates[prefix] = parsed.date
        dates[f"{prefix}_precision"] = parsed.precision
    return dates


def _new_trial(rec: dict) -> Trial:
    """The curated trial, not saved yet."""
    sponsor = None
    if rec.get("lead_sponsor"):
        sponsor, _ = Organization.objects.get_or_create(name=rec["lead_sponsor"])
    text = {
        name: rec.get(name, "")
        for name in ("acronym", "summary", "overall_status", "why_stopped", "study_type")
        + ("allocation", "intervention_model", "masking", "primary_purpose", "enrollment_type")
    }
    return Trial(
        nct_id=rec.get("nct_id"),
        nct_id_verified=rec.get("nct_id_verified", True),
        slug=rec["key"],
        brief_title=rec["brief_title"],
        enrollment=rec.get("enrollment"),
        lead_sponsor=sponsor,
        record_source=RecordSource.CURATED,
        **text,
        **_trial_dates(rec),
        **_published(rec),
    )


def _link_trial(trial: Trial, rec: dict) -> None:
    """Phases, conditions, collaborators and identifiers."""
    trial.phases.set(Phase.objects.filter(code__in=rec.get("phases", [])))
    trial.conditions.set(ids_by_name(Condition, rec["conditions"]).values())
    trial.collaborators.set(ids_by_name(Organization, rec.get("collaborators", [])).values())
    for ident in rec.get("identifiers", []):
        TrialIdentifier.objects.create(
            trial=trial,
            kind=IdentifierKind(ident["kind"]),
            value=ident["value"],
            description=ident.get("description", ""),
            verified=ident.get("verified", True),
        )


def _seed_arms(trial: Trial, arms: list[dict]) -> None:
    for order, arm in enumerate(arms):
        Arm.objects.create(
            trial=trial,
            order=order,
            record_source=RecordSource.CURATED,
            label=arm["label"],
            arm_type=arm.get("arm_type", ""),
            description=arm.get("description", ""),
            dose_unit=arm.get("dose_unit", ""),
            **{name: _decimal(arm.get(name)) for name in DOSE_AMOUNTS},
            dosing_sessions=arm.get("dosing_sessions"),
            participants=arm.get("participants"),
            dose_note=arm.get("dose_note", ""),
            dose_source_text=arm.get("dose_source_text", ""),
        )


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _seed_publication(rec: dict, trials: dict, report: SeedReport, ledger: Ledger):
    existing = Publication.objects.filter(seed_key=rec["key"]).first()
    if existing is None and rec.get("doi"):
        existing = Publication.objects.filter(doi=rec["doi"]).first()
    if _applied(ledger, report, "publications", rec["key"], existing):
        return existing
    fields = {
        k: v
        for k, v in rec.items()
        if k not in {"key", "trials", "sources", "verified", "unverified_note"}
    }
    publication = Publication(seed_key=rec["key"], **fields, **_published(rec))
    publication.full_clean()
    publication.save()
    publication.trials.set(_present(trials, rec.get("trials", [])))
    ledger.record("publications", rec["key"], publication)
    report.count("publications", True)
    return publication


def _seed_milestone(rec, trials, publications, report: SeedReport, ledger: Ledger) -> None:
    existing = RegulatoryMilestone.objects.filter(seed_key=rec["key"]).first()
    if _applied(ledger, report, "milestones", rec["key"], existing):
        return
    when = parse_partial_date(rec["date"])
    milestone = RegulatoryMilestone(
        seed_key=rec["key"],
        date=when.date,
        date_precision=when.precision,
        agency=rec["agency"],
        jurisdiction=rec["jurisdiction"],
        kind=rec["kind"],
        title=rec["title"],
        summary=rec.get("summary", ""),
        outcome_details=rec.get("outcome_details", ""),
        **_published(rec),
    )
    milestone.full_clean()
    milestone.save()
    milestone.trials.set(_present(trials, rec.get("trials", [])))
    milestone.publications.set(_present(publications, rec.get("publications", [])))
    ledger.record("milestones", rec["key"], milestone)
    report.count("milestones", True)


def _seed_estimate(rec, trials, publications, report: SeedReport, ledger: Ledger) -> None:
    existing = EffectEstimate.objects.filter(seed_key=rec["key"]).first()
    if _applied(ledger, report, "effect estimates", rec["key"], existing):
        return
    links = [(trials, rec.get("trial")), (publications, rec.get("source_publication"))]
    if any(key and records.get(key, 0) is None for records, key in links):
        # Its trial or paper was deleted by an editor: an orphan would misattribute it.
        report.skip("effect estimates", rec["key"])
        return
    fields = {
        k: v
        for k, v in rec.items()
        if k not in {"key", "trial", "source_publication", "sources", "verified", "unverified_note"}
    }
    estimate = EffectEstimate(
        seed_key=rec["key"],
        trial=trials[rec["trial"]] if rec.get("trial") else None,
        source_publication=publications.get(rec.get("source_publication")),
        **fields,
        **_published(rec),
    )
    estimate.full_clean()
    estimate.save()
    ledger.record("effect estimates", rec["key"], estimate)
    report.count("effect estimates", True)
