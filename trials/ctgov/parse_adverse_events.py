"""Parsing of a posted adverse-events module into every serious and other term, with its
counts per event group, the frequency threshold, the time frame and the description.

Pure: plain frozen data in, plain frozen data out. The threshold keeps the registry's text
beside the parsed number ("5" → 5.0); a count that is not a whole number fails the study,
because a guessed count would be shown as fact.
"""

from dataclasses import dataclass
from typing import Any

from trials.ctgov.parse_results import parse_number
from trials.ctgov.parse_values import text as _text
from trials.ctgov.parse_values import whole_count
from trials.ctgov.records import ParseError

SERIOUS, OTHER = "serious", "other"
EVENT_LISTS = {"seriousEvents": SERIOUS, "otherEvents": OTHER}


@dataclass(frozen=True)
class EventCountData:
    group_code: str
    num_affected: int | None
    num_at_risk: int | None
    num_events: int | None


@dataclass(frozen=True)
class AdverseEventData:
    seriousness: str
    term: str
    organ_system: str
    source_vocabulary: str
    assessment_type: str
    notes: str
    counts: tuple[EventCountData, ...]


@dataclass(frozen=True)
class AdverseEventsData:
    frequency_threshold_raw: str
    frequency_threshold: float | None
    time_frame: str
    description: str
    all_cause_mortality_comment: str
    events: tuple[AdverseEventData, ...]

    @property
    def serious(self) -> tuple[AdverseEventData, ...]:
        return tuple(e for e in self.events if e.seriousness == SERIOUS)

    @property
    def other(self) -> tuple[AdverseEventData, ...]:
        return tuple(e for e in self.events if e.seriousness == OTHER)


def _count(value: Any, label: str, nct_id: str) -> int | None:
    return whole_count(value, f"adverse event {label}", nct_id)


def _list(value: Any, label: str, nct_id: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ParseError(f"{nct_id}: adverseEventsModule.{label} is not a list")
    return value


def _event(data: Any, seriousness: str, nct_id: str) -> AdverseEventData:
    if not isinstance(data, dict):
        raise ParseError(f"{nct_id}: adverse event is not an object: {data!r}")
    term = _text(data.get("term"))
    counts = []
    for stat in _list(data.get("stats"), f"{term}.stats", nct_id):
        if not isinstance(stat, dict):
            raise ParseError(f"{nct_id}: adverse event {term!r} stats entry is not an object")
        label = f"{term!r} {{}} for {_text(stat.get('groupId'))}"
        counts.append(
            EventCountData(
                group_code=_text(stat.get("groupId")),
                num_affected=_count(stat.get("numAffected"), label.format("numAffected"), nct_id),
                num_at_risk=_count(stat.get("numAtRisk"), label.format("numAtRisk"), nct_id),
                num_events=_count(stat.get("numEvents"), label.format("numEvents"), nct_id),
            )
        )
    return AdverseEventData(
        seriousness=seriousness,
        term=term,
        organ_system=_text(data.get("organSystem")),
        source_vocabulary=_text(data.get("sourceVocabulary")),
        assessment_type=_text(data.get("assessmentType")),
        notes=_text(data.get("notes")),
        counts=tuple(counts),
    )


def adverse_events(module: Any, nct_id: str) -> AdverseEventsData | None:
    """Every adverse-event term of a results section's adverseEventsModule; None if absent."""
    if module is None:
        return None
    if not isinstance(module, dict):
        raise ParseError(f"{nct_id}: adverseEventsModule is not an object")
    threshold = module.get("frequencyThreshold")
    threshold_raw = _text(threshold) if not isinstance(threshold, int | float) else str(threshold)
    return AdverseEventsData(
        frequency_threshold_raw=threshold_raw,
        frequency_threshold=parse_number(threshold_raw),
        time_frame=_text(module.get("timeFrame")),
        description=_text(module.get("description")),
        all_cause_mortality_comment=_text(module.get("allCauseMortalityComment")),
        events=tuple(
            _event(event, seriousness, nct_id)
            for key, seriousness in EVENT_LISTS.items()
            for event in _list(module.get(key), key, nct_id)
        ),
    )
