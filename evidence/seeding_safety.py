"""Seed the curated safety findings from fixtures/safety_findings.json.

That file is the shared safety fact sheet (shared/facts/safety/safety_facts.json) record for
record, each with a "site" entry added: the page section (topic) and the trial and
publication seed keys it rests on. Existing findings are left as they are.
"""

from django.utils import timezone

from editorial.models import State
from evidence.models import RegulatoryMilestone, SafetyFinding

FIXTURE = "safety_findings.json"
UNVERIFIED_NOTE = "Marked UNVERIFIED in the safety fact sheet."


def finding_fields(rec: dict) -> dict:
    """The model fields of one fact-sheet record (without links and workflow)."""
    source = rec["source"]
    verified = rec["status"] == "VERIFIED"
    return {
        "seed_key": rec["id"],
        "topic": rec["site"]["topic"],
        "sheet_section": rec["topic"],
        "statement": rec["statement"],
        "numbers": rec.get("numbers"),
        "source_citation": source["citation"],
        "source_url": source.get("url", ""),
        "source_level": source.get("source_level", ""),
        "quote": rec.get("quote", ""),
        "note": rec.get("note", ""),
        "verified_against": rec.get("verified_against", ""),
        "source_retracted": bool(rec.get("retracted", False)),
        "verified": verified,
        "unverified_note": "" if verified else (rec.get("note") or UNVERIFIED_NOTE)[:500],
        "sources": "\n".join(s for s in (source["citation"], source.get("url", "")) if s),
    }


def seed_safety_findings(records: list[dict], trials: dict, publications: dict, report) -> None:
    # Only the milestones the fixture names by key: a link is a curated reading of the
    # finding's source, never inferred from dates or words here.
    milestones = {m.seed_key: m for m in RegulatoryMilestone.objects.filter(seed_key__isnull=False)}
    for order, rec in enumerate(records):
        if SafetyFinding.objects.filter(seed_key=rec["id"]).exists():
            report.count("safety findings", False)
            continue
        finding = SafetyFinding(
            order=order,
            state=State.PUBLISHED,
            published_at=timezone.now(),
            **finding_fields(rec),
        )
        finding.full_clean()
        finding.save()
        finding.trials.set([trials[key] for key in rec["site"]["trials"]])
        finding.publications.set([publications[key] for key in rec["site"]["publications"]])
        finding.milestones.set([milestones[key] for key in rec["site"].get("milestones", [])])
        report.count("safety findings", True)
