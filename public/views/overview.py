"""The overview: where MDMA-assisted therapy stands, in numbers and milestones."""

from urllib.parse import urlencode

from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from evidence.models import RegulatoryMilestone
from evidence.synthesis_summary import overview_syntheses
from public.charts.bars import Bar, bar_chart_svg
from public.views.public import freshness
from public.views.safety import safety_card
from trials.choices import OverallStatus, PhaseCode, label_for
from trials.datacache import versioned
from trials.models import FacetKind, Phase, Trial, TrialFacetValue

TOP_CONDITIONS = 8
LATEST = 6
# The newcomer's question, one click away.
PTSD = "Post-Traumatic Stress Disorder"


def _list_url(**params) -> str:
    return reverse("public:trials") + "?" + urlencode(params, doseq=True)


def trial_counts() -> dict:
    """Published trials by phase, by status and by condition, and in all: one query.

    Read from the list's facet rows, so the overview and the list it links to agree.
    Every trial has exactly one results row, so those rows count the trials.
    """
    rows = (
        TrialFacetValue.objects.filter(published=True)
        .exclude(facet__in=[FacetKind.COUNTRY, FacetKind.STUDY_TYPE])
        .values("facet", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FacetKind.values}
    for row in rows:
        counts[row["facet"]][row["value"]] = row["n"]
    phases = Phase.objects.order_by("order").values_list("code", "label")
    statuses = sorted(counts[FacetKind.STATUS].items(), key=lambda r: (-r[1], r[0]))
    conditions = sorted(counts[FacetKind.CONDITION].items(), key=lambda r: (-r[1], r[0]))
    return {
        "phase": [
            Bar(label, counts["phase"][code], _list_url(phase=code))
            for code, label in phases
            if code in counts["phase"]
        ],
        "status": [
            Bar(label_for(OverallStatus, code), n, _list_url(status=code)) for code, n in statuses
        ],
        "condition": [
            Bar(name, n, _list_url(condition=name)) for name, n in conditions[:TOP_CONDITIONS]
        ],
        "total": sum(counts[FacetKind.RESULTS].values()),
    }


def cached_trial_counts() -> dict:
    """The overview's counts, from the shared cache while the data stands."""
    return versioned("overview-counts", (), trial_counts)


@require_safe
def overview(request):
    counts = cached_trial_counts()
    charts = [
        {
            "title": title,
            "bars": counts[key],
            "svg": mark_safe(bar_chart_svg(counts[key], f"Published trials by {key}")),
        }
        for key, title in (
            ("phase", "Trials by phase"),
            ("status", "Trials by status"),
            ("condition", "Trials by condition"),
        )
    ]
    context = {
        "trial_total": counts["total"],
        "charts": charts,
        "latest_milestones": RegulatoryMilestone.objects.published().order_by("-date", "title")[
            :LATEST
        ],
        "recently_changed": Trial.objects.published()
        .filter(last_update_posted__isnull=False)
        .order_by("-last_update_posted", "pk")[:LATEST],
        "question_url": _list_url(phase=PhaseCode.PHASE3, condition=PTSD, has_results="true"),
        "phase3_ptsd_url": _list_url(phase=PhaseCode.PHASE3, condition=PTSD),
        "fda_url": reverse("public:milestones") + "?agency=FDA",
        "overview_syntheses": overview_syntheses(),
        **safety_card(),
        **freshness(),
    }
    return render(request, "public/overview.html", context)
