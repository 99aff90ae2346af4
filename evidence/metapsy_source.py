"""The Metapsy dataset as a data source for a synthesis, instead of the curated estimates.

Each family gets at most one comparison per trial: the primary instrument at
the primary time point, endpoint means/SDs before change scores, and in
multi-arm trials the comparison against the placebo or lowest-dose arm (with
the highest-dose MDMA arm). The rows become unsaved `EffectEstimate`s so the
one pooling path serves both sources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db.models import Prefetch

from editorial.models import State
from evidence.meta_analysis import back_transform
from evidence.models import EffectEstimate, MetapsyEstimate, OutcomeFamily, RiskOfBias
from evidence.models.estimates import Direction
from evidence.models.metapsy import METAPSY_ATTRIBUTION

DOSE = re.compile(r"(\d+(?:\.\d+)?)\s*mg")
# Outcome types in order of preference within one trial.
PREFERRED_TYPES = ("msd", "change", "response", "remission")
SIGN_NOTE = (
    "The dataset's effects are MDMA minus comparator on symptom scales, where lower is "
    "better; they are shown with the sign reversed to match this family's direction."
)
MULTI_ARM_NOTE = (
    "Multi-arm trials contribute one comparison each: the highest MDMA dose against the "
    "placebo or lowest-dose arm."
)
ATTRIBUTION = METAPSY_ATTRIBUTION


def _dose(arm: str) -> float:
    """mg in an arm label; placebo (no dose) is 0."""
    match = DOSE.search(arm)
    return float(match.group(1)) if match else 0.0


def _preference(row: MetapsyEstimate) -> tuple:
    kind = PREFERRED_TYPES.index(row.outcome_type) if row.outcome_type in PREFERRED_TYPES else 9
    return (kind, _dose(row.arm2), -_dose(row.arm1), row.row_id)


def _matches(row: MetapsyEstimate, family: OutcomeFamily) -> bool:
    names = [m.casefold() for m in family.measure_names]
    return any(row.instrument.casefold() in name for name in names)


def chosen_rows(rows: Sequence[MetapsyEstimate], family: OutcomeFamily) -> list[MetapsyEstimate]:
    """One row per trial for this family (see the module docstring)."""
    best: dict[str, MetapsyEstimate] = {}
    for row in rows:
        if row.effect is None or not row.primary_timepoint or not _matches(row, family):
            continue
        key = row.registration_number or row.study
        if key not in best or _preference(row) < _preference(best[key]):
            best[key] = row
    return sorted(best.values(), key=lambda r: r.study)


def as_estimate(row: MetapsyEstimate, family: OutcomeFamily) -> EffectEstimate:
    """An unsaved estimate carrying the row's computed effect, on the family's sign convention."""
    flip = family.direction == Direction.HIGHER_BETTER and row.metric == "hedges_g"
    estimate = EffectEstimate(
        pk=-row.pk,  # unsaved, but needs a key for its prefetched relations
        trial=row.trial,
        source_publication=row.publication,
        label=(row.trial.acronym if row.trial and row.trial.acronym else row.study),
        outcome_measure=f"{row.instrument.upper()} ({row.outcome_type}, Metapsy)",
        comparison=f"{row.arm1} vs {row.arm2}",
        time_point=row.time_point,
        metric="hedges_g" if row.metric == "hedges_g" else "rr",
        value=-row.effect if flip else row.effect,
        se=row.se,
        n_treatment=row.n_arm1,
        n_control=row.n_arm2,
        verified=True,
        state=State.PUBLISHED,
        sources=ATTRIBUTION,
    )
    if row.metric == "log_rr":
        estimate.value, estimate.se = back_transform(row.effect), row.se
    judgements = list(row.trial.risk_of_bias.all()) if row.trial else []
    estimate._prefetched_objects_cache = {"risk_of_bias": judgements}
    return estimate


def load_metapsy_estimates(families: Sequence[OutcomeFamily]) -> dict[int, list]:
    """The Metapsy-derived estimates of each family, in a constant number of queries."""
    rows = list(
        MetapsyEstimate.objects.select_related("trial", "publication").prefetch_related(
            "trial__phases",
            Prefetch("trial__risk_of_bias", queryset=RiskOfBias.objects.published()),
        )
    )
    return {f.pk: [as_estimate(r, f) for r in chosen_rows(rows, f)] for f in families}


def metapsy_notes(synthesis) -> list[str]:
    """What a reader must know about Metapsy-derived numbers (empty for the curated source)."""
    if synthesis.options.source != "metapsy":
        return []
    notes = [f"Data: {ATTRIBUTION}.", MULTI_ARM_NOTE]
    if synthesis.family.direction == Direction.HIGHER_BETTER:
        notes.append(SIGN_NOTE)
    return notes
