"""Registry adverse events across published trials: one table (terms by organ system, a column
per trial × event group) and the comparative harms of MDMA against placebo.

Built from the stored registry rows in a fixed number of queries; the labelling of groups as
MDMA / placebo / other is a reading of the registry's own group title and description, which
are always shown beside it.
"""

import math
import re
from dataclasses import dataclass, field

from django.db.models import Prefetch

from evidence.forest_rows import ForestPlot, ForestRow
from evidence.harms import Arms, mh_risk_difference, mh_risk_ratio, mh_weights, trial_risk_ratio
from evidence.models.estimates import Direction
from trials.ae_tables import Cell
from trials.models import AdverseEvent, AdverseEventReport, Arm, Trial

MDMA_WORDS = re.compile(
    r"\b(mdma|midomafetamine|3,4-methylenedioxymethamphetamine|ecstasy)\b", re.IGNORECASE
)
PLACEBO_WORDS = re.compile(r"\bplacebo\b", re.IGNORECASE)
MDMA, PLACEBO, OTHER = "MDMA", "placebo", "other"


def _text_role(text: str) -> str | None:
    placebo, mdma = PLACEBO_WORDS.search(text), MDMA_WORDS.search(text)
    if placebo and not mdma:
        return PLACEBO
    if mdma and not placebo:
        return MDMA
    return OTHER if (mdma and placebo) else None


def _arm_role(arm) -> str:
    """A registry arm's role from its type and its interventions' names."""
    if arm.arm_type in ("PLACEBO_COMPARATOR", "SHAM_COMPARATOR"):
        return PLACEBO
    names = " ".join(
        " ".join([i.name, *(n for n in i.other_names if isinstance(n, str))])
        for i in arm.interventions.all()
    )
    if MDMA_WORDS.search(names):
        return MDMA
    return _text_role(names) or OTHER


def arm_role(title: str, description: str = "", arms=()) -> str:
    """MDMA, placebo or other for one adverse-event group.

    A group titled like one of the trial's arms takes that arm's role (from the arm type
    and its interventions). Otherwise the group's own words decide, the title first: a
    placebo group's description often names MDMA ("placebo instead of MDMA").
    """
    for arm in arms:
        if arm.label.strip().casefold() == title.strip().casefold():
            return _arm_role(arm)
    for text in (title, description):
        if role := _text_role(text):
            return role
    return OTHER


@dataclass
class Column:
    trial: Trial
    code: str
    title: str
    role: str


@dataclass
class Row:
    seriousness: str
    organ_system: str
    term: str
    cells: dict = field(default_factory=dict)  # (trial pk, group code) -> Cell


def public_events(seriousness="", organ_system="", nct_ids=(), phases=()):
    """Terms of published trials, filtered, with counts and trial facts prefetched."""
    trials = Trial.objects.published()
    if nct_ids:
        trials = trials.filter(nct_id__in=nct_ids)
    if phases:
        trials = trials.filter(phases__code__in=phases)
    events = AdverseEvent.objects.filter(trial__in=trials.values("pk"))
    if seriousness:
        events = events.filter(seriousness=seriousness)
    if organ_system:
        events = events.filter(organ_system=organ_system)
    return events.prefetch_related("counts").order_by("organ_system", "term", "trial_id", "pk")


def cross_trial_table(events) -> dict:
    """Rows = terms by organ system; columns = trial × event group with its role."""
    events = list(events)
    trial_ids = {e.trial_id for e in events}
    trials = {
        t.pk: t
        for t in Trial.objects.filter(pk__in=trial_ids).prefetch_related(
            "adverse_event_groups",
            "phases",
            Prefetch("arms", queryset=Arm.objects.prefetch_related("interventions")),
        )
    }
    reports = {r.trial_id: r for r in AdverseEventReport.objects.filter(trial_id__in=trial_ids)}
    columns = [
        Column(t, g.code, g.title or g.code, arm_role(g.title, g.description, t.arms.all()))
        for t in sorted(trials.values(), key=lambda t: (t.acronym or t.nct_id or "", t.pk))
        for g in t.adverse_event_groups.all()
    ]
    rows: dict[tuple, Row] = {}
    for e in events:
        key = (e.seriousness, e.organ_system.casefold(), e.term.casefold())
        row = rows.setdefault(key, Row(e.seriousness, e.organ_system, e.term))
        for c in e.counts.all():
            row.cells[(e.trial_id, c.group_code)] = Cell(
                c.num_affected, c.num_at_risk, c.num_events
            )
    ordered = sorted(rows.values(), key=lambda r: (r.organ_system.casefold(), r.term.casefold()))
    items = [
        {"row": r, "cells": [r.cells.get((col.trial.pk, col.code)) for col in columns]}
        for r in ordered
    ]
    return {
        "columns": columns,
        "rows": items,
        "organ_systems": _by_organ_system(items),
        "reports": reports,
        "trials": trials,
        "trial_list": [
            {"trial": t, "report": reports.get(t.pk)}
            for t in sorted(trials.values(), key=lambda t: t.nct_id or "")
        ],
    }


def _by_organ_system(items: list[dict]) -> list[dict]:
    """Consecutive rows under one heading per organ system, as the registry spells it first."""
    groups: list[dict] = []
    for item in items:
        system = item["row"].organ_system
        if not groups or groups[-1]["key"] != system.casefold():
            groups.append({"key": system.casefold(), "name": system, "rows": []})
        groups[-1]["rows"].append(item)
    return groups


def _arms_of(row: Row, trial: Trial, columns: list[Column]) -> Arms | None:
    """One MDMA and one placebo group with counts in a randomised trial; else None."""
    if trial.allocation != "RANDOMIZED":
        return None
    mine = [c for c in columns if c.trial.pk == trial.pk]
    mdma = [c for c in mine if c.role == MDMA]
    placebo = [c for c in mine if c.role == PLACEBO]
    if len(mdma) != 1 or len(placebo) != 1:
        return None  # several doses or no placebo: not a two-arm comparison we can pool
    a, b = row.cells.get((trial.pk, mdma[0].code)), row.cells.get((trial.pk, placebo[0].code))
    if not a or not b or None in (a.affected, a.at_risk, b.affected, b.at_risk):
        return None
    return Arms(
        trial.acronym or trial.nct_id or str(trial.pk), a.affected, a.at_risk, b.affected, b.at_risk
    )


def comparative_harms(table: dict) -> list[dict]:
    """Pooled RR and RD for each term reported in ≥ 2 randomised placebo-controlled trials."""
    results = []
    for item in table["rows"]:
        row = item["row"]
        pairs = [
            (trial, arms)
            for trial in table["trials"].values()
            if (arms := _arms_of(row, trial, table["columns"])) is not None
        ]
        if len(pairs) < 2:
            continue
        frames = sorted(
            {
                (r.time_frame if (r := table["reports"].get(t.pk)) else "") or "not given"
                for t, _ in pairs
            }
        )
        arms = [a for _, a in pairs]
        results.append(
            {
                "row": row,
                "trials": [t for t, _ in pairs],
                "arms": arms,
                "rr": mh_risk_ratio(arms),
                "rd": mh_risk_difference(arms),
                "time_frames": frames,
            }
        )
    return results


def harm_forest_plot(harm: dict):
    """The forest plot of one pooled term: each trial's risk ratio and the pooled diamond."""
    weights = mh_weights(harm["arms"])
    rows = []
    for arms in harm["arms"]:
        one = trial_risk_ratio(arms)
        if one is None:
            continue  # no events in either arm: nothing to draw, and excluded from the pool
        rows.append(
            ForestRow(
                arms.label,
                arms.n_mdma + arms.n_placebo,
                math.log(one.estimate),
                math.log(one.low),
                math.log(one.high),
                weights.get(arms.label),
            )
        )
    rr, row = harm["rr"], harm["row"]
    pooled = ForestRow(
        f"Pooled (Mantel-Haenszel), k = {rr.k}",
        sum(a.n_mdma + a.n_placebo for a in harm["arms"]),
        math.log(rr.estimate),
        math.log(rr.low),
        math.log(rr.high),
        1.0,
    )
    frames = "; ".join(harm["time_frames"])
    return ForestPlot(
        title=f"Forest plot: {row.term} ({row.seriousness}), MDMA against placebo",
        description=f"Risk ratio of participants affected, per trial and pooled. "
        f"Time frames: {frames}.",
        axis_label="Risk ratio (log scale)",
        rows=rows,
        pooled=pooled,
        is_ratio=True,
        direction=Direction.LOWER_BETTER,
    )
