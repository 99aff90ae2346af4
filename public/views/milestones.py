"""The regulatory timeline: filterable by agency, jurisdiction and kind."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from evidence.models import MilestoneKind, Publication, RegulatoryMilestone, SafetyFinding
from public.charts.timeline import TimelinePoint, timeline_svg
from public.views.errors import bad_request
from public.views.public import withdrawn_response
from trials.facets import country_name
from trials.models import Trial

MAX_PARAM_LENGTH = 200


def jurisdiction_name(code: str) -> str:
    if code == "EU":
        return "European Union"
    return country_name(code) if code else "No jurisdiction"


def milestone_filter_errors(params, agencies, jurisdictions) -> dict[str, list[str]]:
    """Check ?agency=, ?jurisdiction= and ?kind= against the values that exist."""
    errors = {}
    checks = [
        ("agency", set(agencies), "is not an agency on the timeline"),
        ("jurisdiction", set(jurisdictions), "is not a jurisdiction on the timeline"),
        ("kind", set(MilestoneKind.values), "is not a kind of milestone"),
    ]
    for name, allowed, why in checks:
        for value in params.getlist(name):
            if value and value not in allowed:
                errors.setdefault(name, []).append(f"“{value[:MAX_PARAM_LENGTH]}” {why}.")
    return errors


@require_safe
def milestone_list(request):
    published = RegulatoryMilestone.objects.published()
    agencies = list(published.order_by("agency").values_list("agency", flat=True).distinct())
    jurisdictions = list(
        published.exclude(jurisdiction="")
        .order_by("jurisdiction")
        .values_list("jurisdiction", flat=True)
        .distinct()
    )
    errors = milestone_filter_errors(request.GET, agencies, jurisdictions)
    if errors:
        return bad_request(request, errors, back_url=reverse("public:milestones"))
    chosen = {
        name: [v for v in request.GET.getlist(name) if v]
        for name in ("agency", "jurisdiction", "kind")
    }
    milestones = published.prefetch_related(
        Prefetch("trials", queryset=Trial.objects.published())
    ).order_by("date", "title")
    if chosen["agency"]:
        milestones = milestones.filter(agency__in=chosen["agency"])
    if chosen["jurisdiction"]:
        milestones = milestones.filter(jurisdiction__in=chosen["jurisdiction"])
    if chosen["kind"]:
        milestones = milestones.filter(kind__in=chosen["kind"])
    milestones = list(milestones)
    points = [
        TimelinePoint(
            m.date,
            f"{m.when}: {m.agency} · {m.get_kind_display()}: {m.title}",
            m.verified,
            m.get_absolute_url(),
        )
        for m in milestones
    ]
    context = {
        "milestones": milestones,
        "timeline": mark_safe(
            timeline_svg(points, "Timeline of milestones")
            + timeline_svg(points, "Timeline of milestones", size="narrow")
        ),
        "agencies": agencies,
        "jurisdictions": [(code, jurisdiction_name(code)) for code in jurisdictions],
        "kinds": MilestoneKind.choices,
        "chosen": chosen,
        "filtered": any(chosen.values()),
    }
    return render(request, "public/milestone_list.html", context)


@require_safe
def milestone_detail(request, pk):
    milestone = get_object_or_404(
        RegulatoryMilestone.objects.publicly_addressable().prefetch_related(
            Prefetch("trials", queryset=Trial.objects.published()),
            Prefetch("publications", queryset=Publication.objects.published()),
            Prefetch(
                "safety_findings",
                queryset=SafetyFinding.objects.published().prefetch_related(
                    Prefetch("publications", queryset=Publication.objects.published())
                ),
            ),
        ),
        pk=pk,
    )
    if milestone.is_withdrawn:
        return withdrawn_response(request, milestone, milestone.title)
    context = {
        "milestone": milestone,
        "jurisdiction": jurisdiction_name(milestone.jurisdiction),
    }
    return render(request, "public/milestone_detail.html", context)
