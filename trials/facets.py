"""Facet counts for the trial list: one aggregate query per facet.

Standard (disjunctive) faceting: each facet's counts apply every current filter
EXCEPT that facet's own, so ticking a second phase shows how many trials it adds.
"""

from collections import Counter
from dataclasses import dataclass, field

import pycountry
from django.db.models import Count
from django.http import QueryDict

from trials.choices import OverallStatus, StudyType, label_for
from trials.filters import HAS_RESULTS_CHOICES, PHASE_CHOICES, TrialFilter, results_bucket
from trials.models import CuratedTrialFacts, Site
from trials.models.curated_facts import curated_country_pairs

MAX_CONDITION_OPTIONS = 15


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    param: str
    label: str
    options: list[FacetOption] = field(default_factory=list)


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return getattr(country, "common_name", None) or (country.name if country else code)


def option_label(param: str, value: str) -> str:
    """The words for a facet value, as the filter form offers it."""
    if param == "phase":
        return dict(PHASE_CHOICES).get(value, value).capitalize()
    if param == "status":
        return label_for(OverallStatus, value)
    if param == "study_type":
        return label_for(StudyType, value)
    if param == "country":
        return country_name(value)
    if param == "has_results":
        return dict(HAS_RESULTS_CHOICES).get(value, value)
    return value


def _facet_queryset(params: QueryDict, param: str, queryset):
    others = params.copy()
    others.pop(param, None)
    return TrialFilter(others, queryset=queryset).qs.order_by()


def _rows(queryset, *fields):
    return queryset.values(*fields).annotate(n=Count("id", distinct=True))


def _country_rows(queryset) -> list[dict]:
    """Trials per country: from sites, plus curated country lists not already counted."""
    counts = Counter(
        {
            r["sites__country_code"]: r["n"]
            for r in _rows(queryset, "sites__country_code")
            if r["sites__country_code"]
        }
    )
    curated = curated_country_pairs(
        CuratedTrialFacts.objects.filter(trial__in=queryset).values("trial_id")
    )
    counted = set(
        Site.objects.filter(trial_id__in={t for t, _ in curated}).values_list(
            "trial_id", "country_code"
        )
    )
    counts.update(code for _, code in curated - counted)
    return [{"sites__country_code": code, "n": n} for code, n in counts.items()]


def trial_facets(params: QueryDict, queryset) -> list[Facet]:
    """The facets shown beside the list; ``params`` must already be valid."""
    selected = {name: params.getlist(name) for name in params}

    def options(param, rows):
        codes = param in {"phase", "status", "study_type", "country"}
        chosen = [v.strip().upper() if codes else v.strip() for v in selected.get(param, [])]
        found = {value for value, _, _ in rows}
        result = [FacetOption(value, label, n, value in chosen) for value, label, n in rows]
        # A selected option that now matches nothing stays visible, so it can be unticked.
        result += [
            FacetOption(v, option_label(param, v), 0, True) for v in chosen if v not in found
        ]
        # Both results options are always offered, so either can be chosen at a count of 0.
        if param == "has_results":
            result += [
                FacetOption(v, label, 0, False)
                for v, label in HAS_RESULTS_CHOICES
                if v not in found and v not in chosen
            ]
        return result

    phase_rows = _rows(
        _facet_queryset(params, "phase", queryset), "phases__code", "phases__label"
    ).order_by("phases__order")
    status_rows = _rows(_facet_queryset(params, "status", queryset), "overall_status")
    type_rows = _rows(_facet_queryset(params, "study_type", queryset), "study_type")
    country_rows = _country_rows(_facet_queryset(params, "country", queryset))
    condition_rows = _rows(_facet_queryset(params, "condition", queryset), "conditions__name")
    results_rows = _rows(
        _facet_queryset(params, "has_results", queryset), "has_results", "results_status"
    )

    def by_count(rows):
        return sorted(rows, key=lambda r: (-r[2], r[1]))

    chosen_conditions = set(selected.get("condition", []))
    conditions = by_count(
        (r["conditions__name"], r["conditions__name"], r["n"])
        for r in condition_rows
        if r["conditions__name"]
    )
    conditions = [
        row
        for i, row in enumerate(conditions)
        if i < MAX_CONDITION_OPTIONS or row[0] in chosen_conditions
    ]
    results_labels = dict(HAS_RESULTS_CHOICES)
    return [
        Facet(
            "phase",
            "Phase",
            options(
                "phase",
                [
                    (r["phases__code"], r["phases__label"], r["n"])
                    for r in phase_rows
                    if r["phases__code"]
                ],
            ),
        ),
        Facet(
            "status",
            "Status",
            options(
                "status",
                by_count(
                    (r["overall_status"], label_for(OverallStatus, r["overall_status"]), r["n"])
                    for r in status_rows
                    if r["overall_status"]
                ),
            ),
        ),
        Facet(
            "condition",
            "Condition",
            options("condition", conditions),
        ),
        Facet(
            "country",
            "Country",
            options(
                "country",
                by_count(
                    (r["sites__country_code"], country_name(r["sites__country_code"]), r["n"])
                    for r in country_rows
                    if r["sites__country_code"]
                ),
            ),
        ),
        Facet(
            "study_type",
            "Study type",
            options(
                "study_type",
                by_count(
                    (r["study_type"], label_for(StudyType, r["study_type"]), r["n"])
                    for r in type_rows
                    if r["study_type"]
                ),
            ),
        ),
        Facet(
            "has_results",
            "Posted results",
            options(
                "has_results",
                _results_options(results_rows, results_labels),
            ),
        ),
    ]


def _results_options(rows, labels: dict[str, str]) -> list[tuple[str, str, int]]:
    """Posted / registry says none / not known, counted as the has_results filter matches."""
    counts: dict[str, int] = {}
    for r in rows:
        bucket = results_bucket(r["has_results"], r["results_status"])
        counts[bucket] = counts.get(bucket, 0) + r["n"]
    return [(value, labels[value], counts[value]) for value in labels if counts.get(value)]
