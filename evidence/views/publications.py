"""Publications: papers, reviews and regulatory documents, with retractions made plain."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from evidence.models import (
    EffectEstimate,
    Publication,
    PublicationKind,
    RegulatoryMilestone,
    RetractionStatus,
)
from evidence.views.public import withdrawn_response
from trials.models import Trial


@require_safe
def publication_list(request):
    kinds = [k for k in request.GET.getlist("kind") if k]
    statuses = [s for s in request.GET.getlist("retraction") if s]
    errors = {}
    for kind in kinds:
        if kind not in PublicationKind.values:
            errors.setdefault("kind", []).append(f"“{kind[:100]}” is not a kind of publication.")
    for status in statuses:
        if status not in RetractionStatus.values:
            errors.setdefault("retraction", []).append(
                f"“{status[:100]}” is not a retraction status."
            )
    if errors:
        return render(
            request,
            "trials/bad_request.html",
            {"errors": errors, "back_url": reverse("evidence:publications")},
            status=400,
        )
    publications = Publication.objects.published().prefetch_related(
        Prefetch("trials", queryset=Trial.objects.published())
    )
    if kinds:
        publications = publications.filter(kind__in=kinds)
    if statuses:
        publications = publications.filter(retraction_status__in=statuses)
    context = {
        "publications": publications.order_by("-year", "first_author", "pk"),
        "kinds": PublicationKind.choices,
        "statuses": RetractionStatus.choices,
        "chosen_kinds": kinds,
        "chosen_statuses": statuses,
    }
    return render(request, "evidence/publication_list.html", context)


@require_safe
def publication_detail(request, pk):
    publication = get_object_or_404(
        Publication.objects.publicly_addressable().prefetch_related(
            Prefetch("trials", queryset=Trial.objects.published()),
            Prefetch("milestones", queryset=RegulatoryMilestone.objects.published()),
            Prefetch("effect_estimates", queryset=EffectEstimate.objects.public_evidence()),
        ),
        pk=pk,
    )
    if publication.is_withdrawn:
        return withdrawn_response(request, publication, str(publication))
    return render(request, "evidence/publication_detail.html", {"publication": publication})
