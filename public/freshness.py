"""When the public data last changed: one timestamp for Last-Modified, citations and /data/."""

from datetime import datetime

from django.db.models import Max

from evidence.models import (
    EffectEstimate,
    OutcomeFamily,
    Publication,
    RegulatoryMilestone,
    SafetyFinding,
)
from trials.models import ImportRun, Trial, TrialChange


def data_timestamp() -> datetime | None:
    """The latest edit, publication or import of any public record (None on an empty site)."""
    candidates = [
        model.objects.aggregate(latest=Max("updated_at"))["latest"]
        for model in (Trial, Publication, RegulatoryMilestone, EffectEstimate, SafetyFinding)
    ]
    candidates.append(TrialChange.objects.aggregate(latest=Max("created_at"))["latest"])
    # Outcome families have no updated_at; their history records every edit.
    candidates.append(OutcomeFamily.history.aggregate(latest=Max("history_date"))["latest"])
    candidates.append(ImportRun.objects.succeeded().aggregate(latest=Max("finished_at"))["latest"])
    known = [c for c in candidates if c is not None]
    return max(known) if known else None
