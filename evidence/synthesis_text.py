"""The plain-language sentence under a synthesis: what the included estimates add up to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from evidence.family_synthesis import is_phase3
from evidence.models.estimates import Direction

if TYPE_CHECKING:
    from evidence.family_synthesis import StudyRow, Synthesis


def _what_studies(rows: Sequence[StudyRow]) -> str:
    k = len(rows)
    if all(is_phase3(r.estimate) for r in rows):
        nouns = ("phase 3 trial", "phase 3 trials")
    elif all(r.estimate.trial_id is not None for r in rows):
        nouns = ("trial", "trials")
    else:
        # Pooled analyses have no single trial, so "studies" stays accurate.
        nouns = ("study", "studies")
    return f"{k} {nouns[k != 1]}"


def _favouring(low: float, high: float, direction: str) -> str:
    """Which arm the CI favours, on the pooling scale where 0 is no effect."""
    benefit_positive = direction != Direction.LOWER_BETTER
    if low > 0 or high < 0:
        favours_mdma = (low > 0) == benefit_positive
        arm = "MDMA-assisted therapy" if favours_mdma else "the comparison"
        return f", favouring {arm}"
    return "; the interval includes no effect"


def retraction_warning(rows: Sequence[StudyRow]) -> str:
    """e.g. " It includes 1 estimate from a paper retracted on 2024-08-10." (or "")."""
    retracted = [row.retraction for row in rows if row.retraction is not None]
    if not retracted:
        return ""
    days = sorted({p.retraction_date.isoformat() for p in retracted if p.retraction_date})
    when = f" on {' and '.join(days)}" if days else ""
    noun = "estimate" if len(retracted) == 1 else "estimates"
    papers = "a paper" if len({p.pk for p in retracted}) == 1 else "papers"
    return f" Warning: it includes {len(retracted)} {noun} from {papers} retracted{when}."


def describe(synthesis: Synthesis) -> str:
    """Plain language saying what the included estimates add up to, and any retracted input."""
    warning = retraction_warning(synthesis.rows)
    if synthesis.result is None:
        return synthesis.message + warning
    r, shown = synthesis.result, synthesis.shown
    participants = synthesis.participants
    people = ""
    if participants is not None:
        complete = all(row.n is not None for row in synthesis.rows)
        people = f" ({'' if complete else 'at least '}{participants} participants)"
    return (
        f"Across {_what_studies(synthesis.rows)}{people} the pooled "
        f"{synthesis.scale.name} is {shown['estimate']:.2f} "
        f"(95% CI {shown['ci_low']:.2f} to {shown['ci_high']:.2f})"
        f"{_favouring(r.ci_low, r.ci_high, synthesis.family.direction)}.{warning}"
    )
