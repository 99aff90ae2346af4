"""A family's synthesis as a living review: over time, without each study, with caveats.

Pure functions over a `Synthesis` (no queries: everything needed was loaded
with the estimates). Cumulative and leave-one-out analyses use the same
method and interval as the headline result; the history replays the
estimates as they were published and as retractions removed them.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from evidence.family_synthesis import Scale, StudyRow, Synthesis, synthesise
from evidence.meta_analysis import PooledResult, cumulative, leave_one_out, pool
from evidence.models.estimates import Direction
from trials.choices import Masking

# Below this many studies tau² and I² are too imprecise to interpret, and the
# Wald interval is known to be too narrow (Cochrane Handbook 10.10.4; IntHout 2014).
SMALL_K = 5
# Cohen's conventional thresholds for a standardised mean difference.
SMD_SIZES = ((0.8, "large"), (0.5, "moderate"), (0.2, "small"), (0.0, "negligible"))


@dataclass(frozen=True)
class Step:
    """One line of a cumulative or leave-one-out table: a subset pooled."""

    label: str
    result: PooledResult | None
    scale: Scale
    year: int | None = None
    date: datetime.date | None = None
    event: str = ""

    def shown(self, name: str) -> float | None:
        if self.result is None:
            return None
        return self.scale.shown(getattr(self.result, name))

    @property
    def shown_estimate(self) -> float | None:
        return self.shown("estimate")

    @property
    def shown_ci_low(self) -> float | None:
        return self.shown("ci_low")

    @property
    def shown_ci_high(self) -> float | None:
        return self.shown("ci_high")

    @property
    def when(self) -> float | None:
        """Position in time as a fractional year (a year-only date sits mid-year)."""
        if self.date is not None:
            return self.date.year + (self.date.timetuple().tm_yday - 0.5) / 366
        return None if self.year is None else self.year + 0.5


def publication_year(row: StudyRow) -> int | None:
    source = row.estimate.source_publication
    return source.year if source else None


def in_publication_order(rows: Sequence[StudyRow]) -> list[StudyRow]:
    """Rows by the year their source was published (unknown last), then label."""
    return sorted(rows, key=lambda r: (publication_year(r) or 9999, r.label.lower()))


def _inputs(rows: Sequence[StudyRow]) -> tuple[list[float], list[float]]:
    return [r.effect.estimate for r in rows], [r.effect.se for r in rows]


def cumulative_steps(synthesis: Synthesis) -> list[Step]:
    """The pooled result as each included study arrived, by publication year."""
    if not synthesis.rows:
        return []
    rows = in_publication_order(synthesis.rows)
    options = synthesis.options
    results = cumulative(*_inputs(rows), options.method, options.ci)
    return [
        Step(f"+ {row.label}", result, synthesis.scale, publication_year(row))
        for row, result in zip(rows, results, strict=True)
    ]


def leave_one_out_steps(synthesis: Synthesis) -> list[Step]:
    """The pooled result without each included study in turn (needs two studies)."""
    if synthesis.result is None:
        return []
    options = synthesis.options
    results = leave_one_out(*_inputs(synthesis.rows), options.method, options.ci)
    return [
        Step(f"Without {row.label}", result, synthesis.scale, publication_year(row))
        for row, result in zip(synthesis.rows, results, strict=True)
    ]


def small_k_interval(synthesis: Synthesis) -> PooledResult | None:
    """The ad hoc Hartung-Knapp result to show beside a Wald headline when k < 5."""
    r = synthesis.result
    if r is None or r.k >= SMALL_K or synthesis.options.ci != "wald":
        return None
    return pool(*_inputs(synthesis.rows), synthesis.options.method, "hk_adhoc")


def _retracted_rows(rows: Sequence[StudyRow]) -> list[StudyRow]:
    return [
        r
        for r in rows
        if r.estimate.source_publication and r.estimate.source_publication.is_retracted
    ]


def _sponsor_caveat(rows: Sequence[StudyRow]) -> str:
    """Who ran the pooled trials, from the registry's lead sponsor (names as registered)."""
    trials = [r.estimate.trial for r in rows]
    if any(t is None or t.lead_sponsor_id is None for t in trials):
        return ""
    sponsors = {t.lead_sponsor.name for t in trials}
    if len(sponsors) == 1:
        return (
            f"All {len(trials)} pooled trials share one lead sponsor, {sponsors.pop()} "
            "(trial registry records); no trial by another sponsor is included."
        )
    named = "; ".join(f"{r.estimate.trial.lead_sponsor.name} ({r.label})" for r in rows)
    return f"Lead sponsors as registered: {named}."


def _blinding_caveat(synthesis: Synthesis) -> str:
    open_label = [
        r.label
        for r in synthesis.rows
        if r.estimate.trial is not None and r.estimate.trial.masking == Masking.NONE
    ]
    parts = []
    if open_label:
        parts.append(f"Not blinded (open label in the registry): {', '.join(open_label)}.")
    note = synthesis.family.expectancy_note.strip()
    if note:
        parts.append(f"Expectancy and unblinding, as the editors note: {note}")
    return " ".join(parts)


def caveats(synthesis: Synthesis) -> list[str]:
    """What a reader must know before trusting the pooled number, computed from the data."""
    r = synthesis.result
    if r is None:
        return []
    found = []
    if r.k < SMALL_K:
        found.append(
            f"Only {r.k} studies are pooled: with fewer than {SMALL_K}, the between-study "
            "variance (tau²) and I² are too imprecise to interpret, and the Wald interval "
            "tends to be too narrow, so the Hartung-Knapp interval is shown beside it."
        )
    if sponsor := _sponsor_caveat(synthesis.rows):
        found.append(sponsor)
    if retracted := _retracted_rows(synthesis.rows):
        labels = ", ".join(row.label for row in retracted)
        found.append(f"Estimates from retracted publications are included: {labels}.")
    if blinding := _blinding_caveat(synthesis):
        found.append(blinding)
    return found


def _size(value: float) -> str:
    return next(word for limit, word in SMD_SIZES if abs(value) >= limit)


def _comparator(rows: Sequence[StudyRow]) -> str:
    arms = {r.estimate.comparison.split(" vs ", 1)[-1].strip() for r in rows}
    arms.discard("")
    return arms.pop() if len(arms) == 1 else "the comparison treatment"


def plain_language(synthesis: Synthesis, certainty: str = "") -> str:
    """What the pooled result means, in one sentence for the public."""
    r = synthesis.result
    if r is None:
        return ""
    measures = " or ".join(sorted({row.estimate.outcome_measure for row in synthesis.rows}))
    comparator = _comparator(synthesis.rows)
    benefit_positive = synthesis.family.direction != Direction.LOWER_BETTER
    low, high = r.ci_low, r.ci_high
    certainty = certainty or "has not been rated on this site"
    if low <= 0 <= high:
        return (
            f"Taking the uncertainty into account, these studies cannot tell whether people "
            f"given MDMA-assisted therapy did better or worse on {measures} than people given "
            f"{comparator}; the certainty of this evidence {certainty}."
        )
    better = (r.estimate > 0) == benefit_positive
    verb = "improved more" if better else "did worse"
    sentence = (
        f"On average, people given MDMA-assisted therapy {verb} on {measures} than people "
        f"given {comparator}"
    )
    if synthesis.scale and synthesis.scale.code == "smd":
        sentence += f"; the average difference is {_size(r.estimate)}"
        low_size, high_size = _size(r.ci_low), _size(r.ci_high)
        if low_size != high_size:
            sentence += f" (the 95% interval runs from {low_size} to {high_size})"
    return f"{sentence}, but the certainty of this evidence {certainty}."


def with_retracted(synthesis: Synthesis) -> Synthesis:
    """The same synthesis with retracted sources kept, from the estimates already loaded."""
    estimates = [r.estimate for r in synthesis.rows] + [e.estimate for e in synthesis.excluded]
    options = dataclasses.replace(synthesis.options, include_retracted=True)
    return synthesise(synthesis.family, estimates, options)


def _entry_key(row: StudyRow) -> tuple[float, int, str]:
    year = publication_year(row)
    # A year-only date sits mid-year: it is not 1 January.
    return ((year + 0.5) if year else 9999.0, 0, row.label.lower())


def _history_events(rows: Sequence[StudyRow]) -> list[tuple[float, str, StudyRow]]:
    events = [(_entry_key(r)[0], "entered", r) for r in rows if publication_year(r)]
    for row in _retracted_rows(rows):
        day = row.estimate.source_publication.retraction_date
        if day is not None:
            events.append((day.year + (day.timetuple().tm_yday - 0.5) / 366, "retracted", row))
    return sorted(events, key=lambda e: (e[0], e[1] == "retracted", e[2].label.lower()))


def history_steps(synthesis: Synthesis) -> list[Step]:
    """The pooled result after each publication and each retraction, in time order.

    Replays every estimate the options allow, retracted ones included until
    their retraction date; estimates with no publication year are left out.
    """
    everything = with_retracted(synthesis)
    options = synthesis.options
    active: list[StudyRow] = []
    steps = []
    for when, kind, row in _history_events(everything.rows):
        if kind == "entered":
            active.append(row)
            event = f"{row.label} published ({publication_year(row)})"
            date = None
        else:
            active.remove(row)
            date = row.estimate.source_publication.retraction_date
            event = f"{row.label} retracted ({date.day} {date:%B %Y})"
        result = cumulative(*_inputs(active), options.method, options.ci)[-1] if active else None
        steps.append(Step(event, result, everything.scale, int(when), date, kind))
    return steps
