"""Facet counts for the trial list: every facet in one query over the facet rows.

Standard (disjunctive) faceting: each facet's counts apply every current filter
EXCEPT that facet's own, so ticking a second phase shows how many trials it adds.
"""

from dataclasses import dataclass, field

import pycountry
from django.db.models import Count
from django.http import QueryDict

from trials.choices import HAS_RESULTS_CHOICES, PHASE_CHOICES, OverallStatus, StudyType, label_for
from trials.models import FacetKind, Phase, Trial, TrialFacetValue

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


def _facet_rows(params: QueryDict, facet: str, filterset_class):
    """The published trials' rows of one facet, under every filter except its own.

    ``filterset_class`` is the list's FilterSet, passed in because it lives in the public
    app above this one; its parameters other than "sort" narrow the list."""
    filters = set(filterset_class.base_filters) - {"sort"}
    rows = TrialFacetValue.objects.filter(facet=facet, published=True)
    others = params.copy()
    others.pop(facet, None)
    if any(v.strip() for name, values in others.lists() if name in filters for v in values):
        trials = filterset_class(others, queryset=Trial.objects.published()).qs.order_by()
        rows = rows.filter(trial__in=trials.values("pk"))
    return rows


def facet_counts(params: QueryDict, filterset_class) -> dict[str, dict[str, int]]:
    """Published trials per value of each facet, all six facets in one query."""
    parts = [
        _facet_rows(params, facet, filterset_class)
        .values("facet", "value")
        .annotate(n=Count("pk"))
        .order_by()
        for facet in FacetKind.values
    ]
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FacetKind.values}
    for row in parts[0].union(*parts[1:], all=True):
        counts[row["facet"]][row["value"]] = row["n"]
    return counts


def trial_facets(params: QueryDict, filterset_class) -> list[Facet]:
    """The facets shown beside the list of published trials; ``params`` must be valid."""
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

    counts = facet_counts(params, filterset_class)
    phase_rows = [
        (code, label, counts["phase"][code])
        for code, label in Phase.objects.order_by("order").values_list("code", "label")
        if code in counts["phase"]
    ]

    chosen_conditions = set(selected.get("condition", []))
    conditions = _by_count((name, name, n) for name, n in counts["condition"].items())
    conditions = [
        row
        for i, row in enumerate(conditions)
        if i < MAX_CONDITION_OPTIONS or row[0] in chosen_conditions
    ]
    results = counts["has_results"]
    results_rows = [(v, label, results[v]) for v, label in HAS_RESULTS_CHOICES if results.get(v)]
    return [
        Facet("phase", "Phase", options("phase", phase_rows)),
        Facet("status", "Status", options("status", _coded(counts["status"], OverallStatus))),
        Facet("condition", "Condition", options("condition", conditions)),
        Facet("country", "Country", options("country", _countries(counts["country"]))),
        Facet(
            "study_type",
            "Study type",
            options("study_type", _coded(counts["study_type"], StudyType)),
        ),
        Facet("has_results", "Posted results", options("has_results", results_rows)),
    ]


def _by_count(rows) -> list[tuple[str, str, int]]:
    return sorted(rows, key=lambda r: (-r[2], r[1]))


def _coded(counts: dict[str, int], choices) -> list[tuple[str, str, int]]:
    return _by_count((code, label_for(choices, code), n) for code, n in counts.items())


def _countries(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return _by_count((code, country_name(code), n) for code, n in counts.items())
