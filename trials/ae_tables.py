"""One trial's adverse-event terms as tables: one per seriousness, terms grouped by organ
system, a column per event group, each cell "affected / at risk (%)" as the registry counts.

Works on prefetched rows only (trial.adverse_events with counts, trial.adverse_event_groups),
so the page costs the same number of queries whatever the number of terms.
"""

from dataclasses import dataclass

from trials.models import Seriousness
from trials.registry_labels import registry_label


@dataclass(frozen=True)
class Cell:
    affected: int | None
    at_risk: int | None
    events: int | None

    @property
    def given(self) -> bool:
        return self.affected is not None or self.at_risk is not None

    @property
    def text(self) -> str:
        """ "3 / 2841 (0.1%)"; "not given" for a group the registry gives no count for."""
        if not self.given:
            return "not given"
        affected = "?" if self.affected is None else str(self.affected)
        at_risk = "?" if self.at_risk is None else str(self.at_risk)
        if self.affected is None or not self.at_risk:
            return f"{affected} / {at_risk}"
        return f"{affected} / {at_risk} ({percent_text(self.affected, self.at_risk)})"


def percent_text(affected: int, at_risk: int) -> str:
    """One decimal, except that a non-zero share never rounds to "0.0%"."""
    share = 100 * affected / at_risk
    if 0 < share < 0.05:
        return "<0.1%"
    return f"{share:.1f}%"


def _uniform(values: set[str]) -> str:
    return next(iter(values)) if len(values) == 1 else ""


def adverse_event_tables(trial) -> list[dict]:
    """Serious then other terms of one trial, as template-ready tables."""
    events = list(trial.adverse_events.all())
    if not events:
        return []
    groups = [(g.code, g.title or g.code) for g in trial.adverse_event_groups.all()]
    known = {code for code, _ in groups}
    extra = sorted({c.group_code for e in events for c in e.counts.all()} - known)
    groups += [(code, code) for code in extra]
    tables = []
    for kind in Seriousness:
        rows = [e for e in events if e.seriousness == kind]
        if not rows:
            continue
        systems: dict[str, list[dict]] = {}
        for event in rows:
            counts = {c.group_code: c for c in event.counts.all()}
            cells = [
                Cell(c.num_affected, c.num_at_risk, c.num_events)
                if (c := counts.get(code))
                else Cell(None, None, None)
                for code, _ in groups
            ]
            systems.setdefault(event.organ_system or "Organ system not given", []).append(
                {"event": event, "cells": cells}
            )
        vocabulary = _uniform({e.source_vocabulary for e in rows})
        assessment = _uniform({e.assessment_type for e in rows})
        tables.append(
            {
                "kind": kind.value,
                "label": "Serious adverse events"
                if kind == Seriousness.SERIOUS
                else ("Other (not serious) adverse events"),
                "term_count": len(rows),
                "groups": [title for _, title in groups],
                "systems": sorted(systems.items(), key=lambda item: item[0].casefold()),
                "vocabulary": vocabulary,
                "assessment": registry_label(assessment),
                "per_term_details": not (vocabulary and assessment),
            }
        )
    return tables


def adverse_event_section(trial) -> dict:
    """Template context for the trial page's adverse-event section."""
    try:
        report = trial.adverse_event_report
    except trial._meta.model.adverse_event_report.RelatedObjectDoesNotExist:
        report = None
    return {"ae_report": report, "ae_tables": adverse_event_tables(trial)}
