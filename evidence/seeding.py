"""Load the curated seed data in fixtures/ (sourced from shared/facts) idempotently.

Records are matched on a stable key (a trial's NCT id or slug, other records'
``seed_key``). A record that already exists is left exactly as it is, so seeding
again never undoes an editor's correction or an import's update.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from evidence.appraisal_seed import APPRAISAL_FILE, seed_appraisals
from evidence.models import EffectEstimate, OutcomeFamily, Publication, RegulatoryMilestone
from trials.choices import IdentifierKind, RecordSource
from trials.curation import State
from trials.dates import parse_partial_date
from trials.models import (
    Arm,
    Condition,
    Organization,
    OutcomeMeasure,
    Phase,
    Site,
    Trial,
    TrialIdentifier,
)

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    present: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.present
        bucket[kind] = bucket.get(kind, 0) + 1

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.present))
        return "; ".join(
            f"{kind}: {self.created.get(kind, 0)} created, "
            f"{self.present.get(kind, 0)} already present"
            for kind in kinds
        )


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
    report = SeedReport()
    trials = {rec["key"]: _seed_trial(rec, report) for rec in _read(directory, "trials.json")}
    publications = {
        rec["key"]: _seed_publication(rec, trials, report)
        for rec in _read(directory, "publications.json")
    }
    for rec in _read(directory, "milestones.json"):
        _seed_milestone(rec, trials, publications, report)
    for rec in _read(directory, "estimates.json"):
        _seed_estimate(rec, trials, publications, report)
    for rec in _read(directory, "outcome_families.json"):
        _, created = OutcomeFamily.objects.get_or_create(
            slug=rec["slug"], defaults={k: v for k, v in rec.items() if k != "slug"}
        )
        report.count("outcome families", created)
    families = {f.slug: f for f in OutcomeFamily.objects.all()}
    seed_appraisals(_read(directory, APPRAISAL_FILE), families, report)
    return report


def _find_trial(rec: dict) -> Trial | None:
    if rec.get("nct_id"):
        found = Trial.objects.find(rec["nct_id"]).first()
        if found:
            return found
    return Trial.objects.filter(slug=rec["key"]).first()


def _seed_trial(rec: dict, report: SeedReport) -> Trial:
    existing = _find_trial(rec)
    if existing:
        report.count("trials", False)
        return existing
    dates = {}
    for name in ("start", "primary_completion", "completion"):
        parsed = parse_partial_date(rec.get(name))
        prefix = "start_date" if name == "start" else f"{name}_date"
        dates[prefix] = parsed.date
        dates[f"{prefix}_precision"] = parsed.precision
    sponsor = None
    if rec.get("lead_sponsor"):
        sponsor, _ = Organization.objects.get_or_create(name=rec["lead_sponsor"])
    trial = Trial(
        nct_id=rec.get("nct_id"),
        nct_id_verified=rec.get("nct_id_verified", True),
        slug=rec["key"],
        acronym=rec.get("acronym", ""),
        brief_title=rec["brief_title"],
        summary=rec.get("summary", ""),
        overall_status=rec.get("overall_status", ""),
        why_stopped=rec.get("why_stopped", ""),
        study_type=rec.get("study_type", ""),
        allocation=rec.get("allocation", ""),
        intervention_model=rec.get("intervention_model", ""),
        masking=rec.get("masking", ""),
        primary_purpose=rec.get("primary_purpose", ""),
        enrollment=rec.get("enrollment"),
        enrollment_type=rec.get("enrollment_type", ""),
        lead_sponsor=sponsor,
        record_source=RecordSource.CURATED,
        **dates,
        **_published(rec),
    )
    trial.full_clean(exclude=["lead_sponsor"])
    trial.save()
    trial.phases.set(Phase.objects.filter(code__in=rec.get("phases", [])))
    trial.conditions.set([Condition.objects.get_or_create(name=n)[0] for n in rec["conditions"]])
    trial.collaborators.set(
        [Organization.objects.get_or_create(name=n)[0] for n in rec.get("collaborators", [])]
    )
    for ident in rec.get("identifiers", []):
        TrialIdentifier.objects.create(
            trial=trial,
            kind=IdentifierKind(ident["kind"]),
            value=ident["value"],
            description=ident.get("description", ""),
            verified=ident.get("verified", True),
        )
    for order, arm in enumerate(rec.get("arms", [])):
        Arm.objects.create(
            trial=trial,
            order=order,
            record_source=RecordSource.CURATED,
            label=arm["label"],
            arm_type=arm.get("arm_type", ""),
            description=arm.get("description", ""),
            dose_initial_mg=_decimal(arm.get("dose_initial_mg")),
            dose_supplemental_mg=_decimal(arm.get("dose_supplemental_mg")),
            dosing_sessions=arm.get("dosing_sessions"),
            participants=arm.get("participants"),
            dose_note=arm.get("dose_note", ""),
        )
    for site in rec.get("sites", []):
        Site.objects.create(trial=trial, record_source=RecordSource.CURATED, **site)
    for order, outcome in enumerate(rec.get("outcomes", [])):
        OutcomeMeasure.objects.create(trial=trial, order=order, **outcome)
    trial.refresh_search()
    report.count("trials", True)
    return trial


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _seed_publication(rec: dict, trials: dict, report: SeedReport) -> Publication:
    existing = Publication.objects.filter(seed_key=rec["key"]).first()
    if existing is None and rec.get("doi"):
        existing = Publication.objects.filter(doi=rec["doi"]).first()
    if existing:
        report.count("publications", False)
        return existing
    fields = {
        k: v
        for k, v in rec.items()
        if k not in {"key", "trials", "sources", "verified", "unverified_note"}
    }
    publication = Publication(seed_key=rec["key"], **fields, **_published(rec))
    publication.full_clean()
    publication.save()
    publication.trials.set([trials[key] for key in rec.get("trials", [])])
    report.count("publications", True)
    return publication


def _seed_milestone(rec: dict, trials: dict, publications: dict, report: SeedReport) -> None:
    if RegulatoryMilestone.objects.filter(seed_key=rec["key"]).exists():
        report.count("milestones", False)
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
    milestone.trials.set([trials[key] for key in rec.get("trials", [])])
    milestone.publications.set([publications[key] for key in rec.get("publications", [])])
    report.count("milestones", True)


def _seed_estimate(rec: dict, trials: dict, publications: dict, report: SeedReport) -> None:
    if EffectEstimate.objects.filter(seed_key=rec["key"]).exists():
        report.count("effect estimates", False)
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
    report.count("effect estimates", True)
