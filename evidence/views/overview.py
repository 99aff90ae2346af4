"""The overview: where MDMA-assisted therapy stands, in numbers and milestones."""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from evidence.charts import Bar, bar_chart_svg
from evidence.models import RegulatoryMilestone
from evidence.synthesis_summary import overview_syntheses
from evidence.views.public import freshness
from evidence.views.safety import safety_card
from trials.choices import OverallStatus, label_for
from trials.curation import State
from trials.datacache import versioned
from trials.models import Condition, Phase, Trial

TOP_CONDITIONS = 8
LATEST = 6
# The newcomer's question, one click away.
PTSD = "Post-Traumatic Stress Disorder"


def _list_url(**params) -> str:
    return reverse("trials:list") + "?" + urlencode(params, doseq=True)


def trial_counts() -> dict[str, list[Bar]]:
    """Published trials by phase, by status and by condition (one query each)."""
    published = Q(trials__state=State.PUBLISHED)
    phases = Phase.objects.annotate(n=Count("trials", filter=published)).filter(n__gt=0)
    statuses = (
        Trial.objects.published()
        .exclude(overall_status="")
        .values("overall_status")
        .annotate(n=Count("id"))
        .order_by("-n", "overall_status")
    )
    conditions = (
        Condition.objects.annotate(n=Count("trials", filter=published))
        .filter(n__gt=0)
        .order_by("-n", "name")[:TOP_CONDITIONS]
    )
    return {
        "phase": [Bar(p.label, p.n, _list_url(phase=p.code)) for p in phases],
        "status": [
            Bar(
                label_for(OverallStatus, r["overall_status"]),
                r["n"],
                _list_url(status=r["overall_status"]),
            )
            for r in statuses
        ],
        "condition": [Bar(c.name, c.n, _list_url(condition=c.name)) for c in conditions],
    }


def cached_trial_counts() -> dict:
    """The overview's counts, from the shared cache while the data stands."""
    return versioned(
        "overview-counts",
        (),
        lambda: {**trial_counts(), "total": Trial.objects.published().count()},
    )


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
        "question_url": _list_url(phase="PHASE3", condition=PTSD, has_results="true"),
        "phase3_ptsd_url": _list_url(phase="PHASE3", condition=PTSD),
        "fda_url": reverse("evidence:milestones") + "?agency=FDA",
        "overview_syntheses": overview_syntheses(),
        **safety_card(),
        **freshness(),
    }
    return render(request, "evidence/overview.html", context)
