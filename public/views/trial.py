"""The trial page: registry data beside the evidence about it."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from evidence.models import EffectEstimate
from evidence.synthesis_summary import trial_syntheses
from public.pagecache import versioned_page
from public.views.public import freshness, withdrawn_response
from public.views.trial_flow import baseline_table, flow_table
from public.views.trial_rows import load_sections, trial_with_sections
from trials.ae_tables import adverse_event_section
from trials.changes import public_changes
from trials.registry_labels import measure_label, outcome_type_label


def _cell(measurement) -> str:
    value = measurement.value_raw or "—"
    if measurement.spread_raw:
        return f"{value} ({measurement.spread_raw})"
    if measurement.lower_raw or measurement.upper_raw:
        return f"{value} ({measurement.lower_raw} to {measurement.upper_raw})"
    return value


def results_table(outcome) -> dict:
    """One posted outcome as a table: a column per group, a row per class/category."""
    groups = list(outcome.groups.all())
    rows: dict[tuple[str, str], dict[int, str]] = {}
    for m in outcome.measurements.all():
        rows.setdefault((m.class_title, m.category), {})[m.group_id] = _cell(m)
    titles = {g.code: g.title or g.code for g in groups}
    analyses = [
        {
            "groups": ", ".join(titles.get(code, code) for code in a.group_codes)
            or a.groups_description,
            "estimate": " ".join(p for p in (a.param_type, a.param_value_raw) if p),
            "ci": (
                f"{a.ci_pct_raw or a.ci_pct or ''}% CI {a.ci_lower_raw} to {a.ci_upper_raw}"
                if a.ci_lower_raw or a.ci_upper_raw
                else ""
            ),
            "p_value": a.p_value_raw,
            "method": a.statistical_method,
        }
        for a in outcome.analyses.all()
    ]
    return {
        "outcome": outcome,
        "kind": outcome_type_label(outcome.outcome_type),
        # Primary outcomes start open; the rest fold to their summary line.
        "open": outcome.outcome_type in ("PRIMARY", ""),
        # The summary line's parts, only those the registry gives ("Primary outcome. ." no more).
        "meta": [
            part
            for part in (
                measure_label(outcome.param_type, outcome.dispersion_type, outcome.unit_of_measure),
                f"Time frame: {outcome.time_frame}" if outcome.time_frame else "",
            )
            if part
        ],
        "groups": groups,
        "rows": [
            {
                "label": " · ".join(p for p in key if p),
                "cells": [cells.get(g.pk, "") for g in groups],
            }
            for key, cells in rows.items()
        ],
        "analyses": analyses,
    }


# The page's posted results, design and evidence, read in one query (public.views.trial_rows).
SECTIONS = (
    "participant_flow",
    "baseline",
    "result_outcomes",
    "adverse_event_groups",
    "adverse_events",
    "arms",
    "interventions",
    "publications",
    "milestones",
    "safety_findings",
)
# Prefetched only when the trial has some (prefetch_present).
PREFETCHES = {
    "effect_estimates": Prefetch(
        "effect_estimates",
        queryset=EffectEstimate.objects.public_evidence().select_related("source_publication"),
    ),
}


def _trial_queryset():
    return (
        trial_with_sections(SECTIONS, PREFETCHES)
        # The page shows the parsed fields, never the stored raw record or search index.
        .defer("raw_json", "search_text", "search_vector")
        .select_related("adverse_event_report", "curated_facts", "participant_flow", "baseline")
    )


@require_safe
@versioned_page
def trial_detail(request, key):
    trial = _trial_queryset().by_key(key)
    if trial is None:
        raise Http404("No published trial has this id.")
    if key != trial.url_key:
        # A former NCT id or a lower-case id still works, but the address shown is canonical.
        return redirect(trial, permanent=True)
    if trial.is_withdrawn:
        return withdrawn_response(request, trial, str(trial))
    load_sections(trial, SECTIONS, PREFETCHES)
    publications = list(trial.publications.all())
    context = {
        "trial": trial,
        "publications": publications,
        "retracted": [p for p in publications if p.is_retracted],
        "milestones": trial.milestones.all(),
        "estimates": trial.effect_estimates.all(),
        "results": [results_table(o) for o in trial.result_outcomes.all()],
        "flow": flow_table(trial),
        "baseline": baseline_table(trial),
        "changes": public_changes(trial),
        "trial_syntheses": trial_syntheses(trial),
        **adverse_event_section(trial),
        "safety_findings": trial.safety_findings.all(),
        **freshness(),
    }
    return render(request, "public/trial_detail.html", context)
