"""Parsing of a record's participant flow and baseline characteristics (API v2
`resultsSection.participantFlowModule` and `baselineCharacteristicsModule`).

Pure functions to plain data. Counts and values stay as the registry wrote them;
a number is parsed only when the text is clearly one, so "NA", "<5" or "1,5" (a
decimal comma or a thousands separator?) keep their text and get no number.
A JSON type the schema does not allow raises ParseError naming the field.
"""

import math
import re
from typing import Any

from trials.ctgov.parse_values import VALUE_KEYS, value_columns
from trials.ctgov.records import ParseError
from trials.ctgov.records_flow import (
    DROP_WITHDRAW,
    MILESTONE,
    BaselineData,
    BaselineMeasureData,
    BaselineValueData,
    DenominatorData,
    FlowCountData,
    FlowData,
    FlowPeriodData,
    FlowStepData,
    SectionGroupData,
)

DECIMAL = re.compile(r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?")
# "1,234" or "12,345.6": commas only in groups of three before any decimal point.
GROUPED = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
WHOLE = re.compile(r"\d+|\d{1,3}(?:,\d{3})+")


def clear_number(text: str) -> float | None:
    """The number the text states, or None unless the whole text is plainly a number."""
    text = text.strip()
    if not (DECIMAL.fullmatch(text) or GROUPED.fullmatch(text)):
        return None
    value = float(text.replace(",", ""))
    return value if math.isfinite(value) else None


def clear_count(text: str) -> int | None:
    """A whole, non-negative count, or None unless the text is plainly one."""
    text = text.strip()
    return int(text.replace(",", "")) if WHOLE.fullmatch(text) else None


class _Reader:
    """Type-checked access to one record's JSON, naming the field in every error."""

    def __init__(self, nct_id: str):
        self.nct_id = nct_id

    def fail(self, where: str, expected: str, value: Any):
        raise ParseError(f"{self.nct_id}: {where} should be {expected}, got {type(value).__name__}")

    def obj(self, value: Any, where: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(where, "an object", value)
        return value

    def items(self, parent: dict, key: str, where: str) -> list[tuple[str, dict]]:
        """(path, object) for each element of the list parent[key]; [] when absent."""
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(f"{where}.{key}", "a list", value)
        out = []
        for n, item in enumerate(value):
            path = f"{where}.{key}[{n}]"
            if not isinstance(item, dict):
                self.fail(path, "an object", item)
            out.append((path, item))
        return out

    def text(self, parent: dict, key: str, where: str) -> str:
        value = parent.get(key)
        if value is None:
            return ""
        if isinstance(value, str):
            return value.strip()
        # Older dumps write some numbers unquoted; their text is still exact.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self.fail(f"{where}.{key}", "a string", value)

    def flag(self, parent: dict, key: str, where: str) -> bool | None:
        value = parent.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.fail(f"{where}.{key}", "true or false", value)


def _open(results: dict, name: str, nct_id: str) -> tuple[_Reader, str, dict]:
    """A reader, the path and the contents of one results module ({} if absent)."""
    read = _Reader(nct_id)
    where = f"resultsSection.{name}"
    return read, where, read.obj(results.get(name), where)


def _groups(read: _Reader, module: dict, where: str) -> tuple[SectionGroupData, ...]:
    return tuple(
        SectionGroupData(
            read.text(g, "id", p), read.text(g, "title", p), read.text(g, "description", p)
        )
        for p, g in read.items(module, "groups", where)
    )


def participant_flow(results: dict, nct_id: str) -> FlowData | None:
    """The participant flow of a results section; None if the record has none."""
    read, where, module = _open(results, "participantFlowModule", nct_id)
    if not module:
        return None
    groups = _groups(read, module, where)
    periods = tuple(
        FlowPeriodData(
            read.text(period, "title", path),
            _steps(read, period, "milestones", "achievements", MILESTONE, path)
            + _steps(read, period, "dropWithdraws", "reasons", DROP_WITHDRAW, path),
        )
        for path, period in read.items(module, "periods", where)
    )
    return FlowData(
        recruitment_details=read.text(module, "recruitmentDetails", where),
        pre_assignment_details=read.text(module, "preAssignmentDetails", where),
        type_units_analyzed=read.text(module, "typeUnitsAnalyzed", where),
        groups=groups,
        periods=periods,
    )


def _steps(read: _Reader, period: dict, key: str, counts_key: str, kind: str, where: str):
    steps = []
    for path, step in read.items(period, key, where):
        counts = []
        for p, c in read.items(step, counts_key, path):
            subjects, units = read.text(c, "numSubjects", p), read.text(c, "numUnits", p)
            counts.append(
                FlowCountData(
                    group_code=read.text(c, "groupId", p),
                    subjects_raw=subjects,
                    subjects=clear_count(subjects),
                    units_raw=units,
                    units=clear_count(units),
                    comment=read.text(c, "comment", p),
                )
            )
        steps.append(
            FlowStepData(
                kind, read.text(step, "type", path), read.text(step, "comment", path), tuple(counts)
            )
        )
    return tuple(steps)


def baseline(results: dict, nct_id: str) -> BaselineData | None:
    """The baseline characteristics of a results section; None if the record has none."""
    read, where, module = _open(results, "baselineCharacteristicsModule", nct_id)
    if not module:
        return None
    groups = _groups(read, module, where)
    denominators = _denominators(read, module, where, None, None)
    measures = []
    for index, (path, measure) in enumerate(read.items(module, "measures", where)):
        denominators += _denominators(read, measure, path, index, None)
        values = []
        for class_index, (cpath, klass) in enumerate(read.items(measure, "classes", path)):
            denominators += _denominators(read, klass, cpath, index, class_index)
            class_title = read.text(klass, "title", cpath)
            for catpath, category in read.items(klass, "categories", cpath):
                title = read.text(category, "title", catpath)
                values += [
                    _value(read, m, p, class_index, class_title, title)
                    for p, m in read.items(category, "measurements", catpath)
                ]
        measures.append(
            BaselineMeasureData(
                title=read.text(measure, "title", path),
                description=read.text(measure, "description", path),
                population_description=read.text(measure, "populationDescription", path),
                param_type=read.text(measure, "paramType", path),
                dispersion_type=read.text(measure, "dispersionType", path),
                unit_of_measure=read.text(measure, "unitOfMeasure", path),
                calculate_pct=read.flag(measure, "calculatePct", path),
                denom_units_selected=read.text(measure, "denomUnitsSelected", path),
                values=tuple(values),
            )
        )
    return BaselineData(
        population_description=read.text(module, "populationDescription", where),
        type_units_analyzed=read.text(module, "typeUnitsAnalyzed", where),
        groups=groups,
        denominators=denominators,
        measures=tuple(measures),
    )


def _denominators(read: _Reader, parent: dict, where: str, measure_index, class_index):
    found = []
    for path, denom in read.items(parent, "denoms", where):
        units = read.text(denom, "units", path)
        for p, count in read.items(denom, "counts", path):
            raw = read.text(count, "value", p)
            found.append(
                DenominatorData(
                    measure_index=measure_index,
                    class_index=class_index,
                    units=units,
                    group_code=read.text(count, "groupId", p),
                    value_raw=raw,
                    value=clear_number(raw),
                )
            )
    return tuple(found)


def _value(read: _Reader, m: dict, where: str, class_index: int, class_title: str, category: str):
    texts = {key: read.text(m, key, where) for key, _ in VALUE_KEYS}
    return BaselineValueData(
        group_code=read.text(m, "groupId", where),
        class_index=class_index,
        class_title=class_title,
        category=category,
        **value_columns(texts, clear_number),
        comment=read.text(m, "comment", where),
    )
