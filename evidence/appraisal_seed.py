"""Seed RoB 2 judgements and certainty ratings from fixtures/appraisal.json.

That file is a verbatim copy of ../shared/facts/appraisal/appraisal.json. Only
judgements the source states are stored: a null in the file stays blank ("not
assessed" / "not rated"), each review's judgement is its own record, and the
status (VERIFIED or not) becomes the verified flag with the status note.
"""

import re

from django.utils import timezone

from editorial.models import State
from evidence.models import CertaintyRating, EffectEstimate, RiskOfBias
from evidence.models.appraisal import Certainty, RobJudgement
from trials.models import Trial

APPRAISAL_FILE = "appraisal.json"
ROB_FIELDS = {
    "randomisation_process": "randomisation",
    "deviations_from_intended_interventions": "deviations",
    "missing_outcome_data": "missing_data",
    "measurement_of_the_outcome": "measurement",
    "selection_of_the_reported_result": "selection",
    "overall": "overall",
}
ROB_CODE_OF_WORD = {label.lower(): value for value, label in RobJudgement.choices}
GRADE_FIELDS = {
    "risk of bias": "risk_of_bias",
    "inconsistency": "inconsistency",
    "indirectness": "indirectness",
    "imprecision": "imprecision",
    "publication bias": "publication_bias",
}
# Which outcome family each pooled rating speaks to, read from its "outcome" text:
# an editor's mapping, not the source's; ratings of harms match no family here.
FAMILIES_OF_RATING = {
    "grade-sevchik2026-overall": ["ptsd-clinician-rated"],
    "grade-fares-otero-overall": ["ptsd-clinician-rated", "functional-impairment-sds"],
    "grade-yong2025-overview": ["ptsd-clinician-rated"],
    "icer-2024-mdma-ap-vs-placebo-therapy": ["ptsd-clinician-rated"],
    "grade-colcott2024-harms": [],
}
NCT = re.compile(r"NCT\d{8}")


def _editorial(item: dict) -> dict:
    source = item["source"]
    urls = [source["url"], *source.get("read_at", []), *source.get("also_read", [])]
    verified = item["status"] == "VERIFIED"
    return {
        "sources": "\n".join([source["citation"], *dict.fromkeys(urls)]),
        "verified": verified,
        "unverified_note": "" if verified else item.get("status_note", "")[:500],
        "editor_notes": item.get("status_note", ""),
        "state": State.PUBLISHED,
        "published_at": timezone.now(),
    }


def _matching_estimate(trial: Trial | None, outcome: str) -> EffectEstimate | None:
    """The trial's estimate of the outcome the review assessed (its measure named in it)."""
    if trial is None:
        return None
    matches = [
        e
        for e in EffectEstimate.objects.filter(trial=trial)
        if e.outcome_measure.casefold().split(" total")[0] in outcome.casefold()
    ]
    return matches[0] if len(matches) == 1 else None


def rob_fields(item: dict) -> dict:
    """The RoB 2 model fields of one appraisal item (pure: no database)."""
    domains = {
        ROB_FIELDS[key]: ROB_CODE_OF_WORD[value.lower()] if value else ""
        for key, value in item["rob2"].items()
    }
    summary = item.get("domain_summary_across_studies")
    justification = item["judgement_summary"]
    if summary:
        across = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in summary.items())
        justification += f" Across studies, not per trial: {across}."
    return {
        "outcome_assessed": item["outcome"][:300],
        "appraiser": item["appraiser"][:200],
        "justification": justification,
        "quote": item.get("quote", ""),
        **domains,
    }


def certainty_fields(item: dict) -> dict:
    """The certainty-rating model fields of a GRADE or ICER item (pure: no database)."""
    if item["kind"] == "icer_rating":
        icer = item["icer"]
        stated, scale, downgrades = icer["rating_wording"], "ICER evidence rating", {}
        level = ""
    else:
        grade = item["grade"]
        stated, scale = grade["certainty"], "GRADE"
        level = {label.lower(): value for value, label in Certainty.choices}.get(stated, "")
        downgrades = {}
        for step in grade.get("downgrades") or []:
            levels = f"−{step['levels']}: " if step.get("levels") else ""
            downgrades[GRADE_FIELDS[step["domain"]]] = levels + step.get("reason", "named")
    return {
        "outcome_assessed": item["outcome"],
        "appraiser": item["appraiser"][:200],
        "scale": scale,
        "certainty": level,
        "certainty_as_stated": "" if level else stated[:100],
        "statement": item["judgement_summary"],
        "quote": item.get("quote", ""),
        **downgrades,
    }


def _seed_rob(item: dict, report) -> None:
    if RiskOfBias.objects.filter(seed_key=item["id"]).exists():
        report.count("risk-of-bias judgements", False)
        return
    match = NCT.search(item["trial"])
    trial = Trial.objects.find(match.group()).first() if match else None
    record = RiskOfBias(
        seed_key=item["id"],
        trial=trial,
        estimate=_matching_estimate(trial, item["outcome"]),
        **rob_fields(item),
        **_editorial(item),
    )
    record.full_clean()
    record.save()
    report.count("risk-of-bias judgements", True)


def _seed_certainty(item: dict, families: dict, report) -> None:
    for slug in FAMILIES_OF_RATING.get(item["id"], []) or [None]:
        key = f"{item['id']}--{slug}" if slug else item["id"]
        if CertaintyRating.objects.filter(seed_key=key[:80]).exists():
            report.count("certainty ratings", False)
            continue
        record = CertaintyRating(
            seed_key=key[:80],
            family=families.get(slug),
            **certainty_fields(item),
            **_editorial(item),
        )
        record.full_clean()
        record.save()
        report.count("certainty ratings", True)


def seed_appraisals(items: list[dict], families: dict, report) -> None:
    """Store every RoB 2, GRADE and ICER item; other appraisals stay in the fact sheet."""
    for item in items:
        if item["kind"] == "rob2":
            _seed_rob(item, report)
        elif item["kind"] in ("grade", "icer_rating"):
            _seed_certainty(item, families, report)
