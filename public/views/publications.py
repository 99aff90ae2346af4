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
from public.filters_evidence import PublicationFilter
from public.views.errors import bad_request
from public.views.public import withdrawn_response
from trials.models import Trial


@require_safe
def publication_list(request):
    filterset = PublicationFilter(
        request.GET,
        queryset=Publication.objects.published().prefetch_related(
            Prefetch("trials", queryset=Trial.objects.published())
        ),
    )
    errors = filterset.clean_errors()
    if errors:
        return bad_request(request, errors, back_url=reverse("public:publications"))
    chosen = filterset.form.cleaned_data
    context = {
        "publications": filterset.qs.order_by("-year", "first_author", "pk"),
        "kinds": PublicationKind.choices,
        "statuses": RetractionStatus.choices,
        "chosen_kinds": chosen.get("kind") or [],
        "chosen_statuses": chosen.get("retraction") or [],
        "q": chosen.get("q") or "",
        "year_from": chosen.get("year_from"),
        "year_to": chosen.get("year_to"),
    }
    return render(request, "public/publication_list.html", context)


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
    return render(request, "public/publication_detail.html", {"publication": publication})
