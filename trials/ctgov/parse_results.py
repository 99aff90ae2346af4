"""Parsing of posted results: outcome measures with groups, measurements and analyses,
and adverse-event totals per group. Numbers keep the registry's text beside the float."""

import math
import re
from typing import Any

from trials.ctgov.parse_values import VALUE_KEYS, value_columns, whole_count
from trials.ctgov.parse_values import text as _text
from trials.ctgov.records import (
    AdverseEventGroupData,
    AnalysisData,
    GroupData,
    MeasurementData,
    ResultOutcomeData,
)

# An analysis's numbers: the registry's key and the column prefix it is stored under.
ANALYSIS_NUMBERS = (
    ("paramValue", "param_value"),
    ("ciPctValue", "ci_pct"),
    ("ciLowerLimit", "ci_lower"),
    ("ciUpperLimit", "ci_upper"),
    ("pValue", "p_value"),
)
NUMBER = re.compile(r"^=?\s*([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)$")


def parse_number(text: Any) -> float | None:
    """A registry number as float; None for "NA", inequalities ("<0.001") and blanks."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text) if math.isfinite(text) else None
    match = NUMBER.match(_text(text).replace(",", ""))
    if not match:
        return None
    value = float(match.group(1))
    return value if math.isfinite(value) else None


def _raw(value: Any) -> str:
    return _text(value) if not isinstance(value, int | float) else str(value)


def result_outcome(measure: dict) -> ResultOutcomeData:
    return ResultOutcomeData(
        outcome_type=_text(measure.get("type")),
        title=_text(measure.get("title")),
        description=_text(measure.get("description")),
        population=_text(measure.get("populationDescription")),
        reporting_status=_text(measure.get("reportingStatus")),
        param_type=_text(measure.get("paramType")),
        dispersion_type=_text(measure.get("dispersionType")),
        unit_of_measure=_text(measure.get("unitOfMeasure")),
        time_frame=_text(measure.get("timeFrame")),
        groups=_groups(measure),
        measurements=_measurements(measure),
        analyses=tuple(_analysis(a) for a in measure.get("analyses") or []),
    )


def _groups(measure: dict) -> tuple[GroupData, ...]:
    """The outcome's groups, each with its participant count (from the denominators)."""
    denoms = {}
    for denom in measure.get("denoms") or []:
        if _text(denom.get("units")).casefold() in ("participants", ""):
            for count in denom.get("counts") or []:
                denoms.setdefault(_text(count.get("groupId")), _raw(count.get("value")))
    groups = []
    for group in measure.get("groups") or []:
        code = _text(group.get("id"))
        raw = denoms.get(code, "")
        number = parse_number(raw)
        participants = (
            int(number) if number is not None and number >= 0 and number.is_integer() else None
        )
        title, description = _text(group.get("title")), _text(group.get("description"))
        groups.append(GroupData(code, title, description, raw, participants))
    return tuple(groups)


def _measurements(measure: dict) -> tuple[MeasurementData, ...]:
    found = []
    for klass in measure.get("classes") or []:
        for category in klass.get("categories") or []:
            for m in category.get("measurements") or []:
                texts = {key: _raw(m.get(key)) for key, _ in VALUE_KEYS}
                found.append(
                    MeasurementData(
                        group_code=_text(m.get("groupId")),
                        class_title=_text(klass.get("title")),
                        category=_text(category.get("title")),
                        **value_columns(texts, parse_number),
                        comment=_text(m.get("comment")),
                    )
                )
    return tuple(found)


def _analysis(data: dict) -> AnalysisData:
    texts = {key: _raw(data.get(key)) for key, _ in ANALYSIS_NUMBERS}
    notes = ("statisticalComment", "pValueComment", "estimateComment", "otherAnalysisDescription")
    return AnalysisData(
        group_codes=tuple(_text(g) for g in data.get("groupIds") or []),
        groups_description=_text(data.get("groupDescription")),
        param_type=_text(data.get("paramType")),
        ci_sides=_text(data.get("ciNumSides")),
        **value_columns(texts, parse_number, ANALYSIS_NUMBERS),
        statistical_method=_text(data.get("statisticalMethod")),
        non_inferiority_type=_text(data.get("nonInferiorityType")),
        description="\n\n".join(_text(data.get(k)) for k in notes if _text(data.get(k))),
    )


def event_group(group: dict, nct_id: str) -> AdverseEventGroupData:
    def number(key: str) -> int | None:
        # Signs are left to the database's own rule (a negative count is refused there).
        return whole_count(group.get(key), f"adverse events {key}", nct_id)

    return AdverseEventGroupData(
        code=_text(group.get("id")),
        title=_text(group.get("title")),
        description=_text(group.get("description")),
        deaths_affected=number("deathsNumAffected"),
        deaths_at_risk=number("deathsNumAtRisk"),
        serious_affected=number("seriousNumAffected"),
        serious_at_risk=number("seriousNumAtRisk"),
        other_affected=number("otherNumAffected"),
        other_at_risk=number("otherNumAtRisk"),
    )
