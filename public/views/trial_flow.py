"""Participant flow and baseline characteristics of a trial as page tables: a column
per registry group, a row per milestone, reason or category, the registry's own text
in every cell. Everything here reads the rows public.views.trial_rows cached on the
trial, so the page's query count does not depend on the size of the tables."""

from public.views.trial_rows import one_to_one
from trials.registry_labels import measure_label, registry_label


def _columns(groups, codes_used) -> list[dict]:
    """The registry's groups in its order, then any group id it used but did not list."""
    columns = [
        {"code": g.code, "title": g.title or g.code, "description": g.description} for g in groups
    ]
    listed = {g.code for g in groups}
    for code in codes_used:
        if code not in listed:
            listed.add(code)
            columns.append(
                {"code": code, "title": code, "description": "Not listed among the groups"}
            )
    return columns


def flow_table(trial) -> dict | None:
    """The participant flow as one table per period; None when none was posted."""
    flow = one_to_one(trial, "participant_flow")
    if flow is None:
        return None
    periods = list(flow.periods.all())
    steps = [s for p in periods for s in p.steps.all()]
    columns = _columns(
        list(flow.groups.all()), [c.group_code for s in steps for c in s.counts.all()]
    )
    tables = []
    for period in periods:
        rows = {"milestone": [], "drop_withdraw": []}
        for step in period.steps.all():
            counts = {c.group_code: c for c in step.counts.all()}
            rows[step.kind].append(
                {
                    "label": registry_label(step.step_type) or "Not named",
                    "comment": step.comment,
                    "cells": [counts.get(col["code"]) for col in columns],
                }
            )
        tables.append(
            {"period": period, "milestones": rows["milestone"], "reasons": rows["drop_withdraw"]}
        )
    return {"flow": flow, "columns": columns, "periods": tables}


def _analysed_rows(denominators, columns, label: str) -> list[dict]:
    """One "analysed" row per unit of count (participants, eyes, ...), a cell per group."""
    by_units: dict[str, dict] = {}
    for d in denominators:
        by_units.setdefault(d.units, {})[d.group_code] = d
    return [
        {
            "label": f"{label} ({units.lower() or 'number'})",
            "analysed": True,
            "cells": [cells.get(col["code"]) for col in columns],
        }
        for units, cells in by_units.items()
    ]


def _measure_rows(measure, denominators, columns) -> list[dict]:
    rows = _analysed_rows(
        [d for d in denominators if d.class_index is None], columns, "Number analysed"
    )
    classes: dict[int, dict] = {}
    for v in measure.values.all():
        klass = classes.setdefault(v.class_index, {"title": v.class_title, "rows": {}})
        klass["rows"].setdefault(v.category, {})[v.group_code] = v
    # A class may state how many were analysed without giving values; keep its count.
    for d in denominators:
        if d.class_index is not None:
            classes.setdefault(d.class_index, {"title": "", "rows": {}})
    for index, klass in sorted(classes.items()):
        rows += _analysed_rows(
            [d for d in denominators if d.class_index == index],
            columns,
            f"{klass['title']}: number analysed" if klass["title"] else "Number analysed",
        )
        rows += [
            {
                "label": " · ".join(p for p in (klass["title"], category) if p),
                "analysed": False,
                "cells": [cells.get(col["code"]) for col in columns],
            }
            for category, cells in klass["rows"].items()
        ]
    return rows


def baseline_table(trial) -> dict | None:
    """Baseline characteristics as one table, a row group per measure; None if not posted."""
    baseline = one_to_one(trial, "baseline")
    if baseline is None:
        return None
    measures = list(baseline.measures.all())
    denominators = list(baseline.denominators.all())
    codes = [d.group_code for d in denominators]
    codes += [v.group_code for m in measures for v in m.values.all()]
    columns = _columns(list(baseline.groups.all()), codes)
    blocks = []
    for measure in measures:
        rows = _measure_rows(
            measure, [d for d in denominators if d.measure_id == measure.pk], columns
        )
        blocks.append(
            {
                "measure": measure,
                "label": measure_label(
                    measure.param_type, measure.dispersion_type, measure.unit_of_measure
                ),
                # A measure with one unnamed row reads best on one line, under its title.
                "single": len(rows) == 1 and not rows[0]["label"],
                "rows": rows,
            }
        )
    overall = _analysed_rows(
        [d for d in denominators if d.measure_id is None], columns, "Overall number analysed"
    )
    return {"baseline": baseline, "columns": columns, "overall": overall, "measures": blocks}
