"""Download a citation: /cite/<what>.<ris|bibtex|csl-json>."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe
from rest_framework.exceptions import ValidationError

from evidence.family_synthesis import synthesis_for
from evidence.models import OutcomeFamily, Publication
from public import citations
from public.api.evidence_views import filtered_publications
from public.freshness import data_timestamp
from public.views.synthesis import BadParameter, options_from_query
from trials.models import Trial


def _response(request, refs, fmt: str, filename: str) -> HttpResponse:
    if fmt not in citations.FORMATS:
        raise Http404("Citation formats: ris, bibtex, csl-json.")
    content_type, extension = citations.FORMATS[fmt]
    response = HttpResponse(citations.WRITERS[fmt](refs), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}.{extension}"'
    return response


def _problem(name: str, reason: str) -> HttpResponse:
    return HttpResponse(
        f"The parameter “{name}” cannot be used: {reason}",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


@require_safe
def publication_citation(request, pk, fmt):
    publication = get_object_or_404(Publication.objects.published(), pk=pk)
    url = request.build_absolute_uri(publication.get_absolute_url())
    ref = citations.publication_reference(publication, url)
    return _response(request, [ref], fmt, f"publication-{pk}")


@require_safe
def publications_citation(request, fmt):
    """Every publication /publications/ lists under the same ?kind= and ?retraction=."""
    try:
        publications = list(filtered_publications(request.GET))
    except ValidationError as error:
        name, messages = next(iter(error.detail.items()))
        return _problem(name, str(messages[0]))
    refs = [
        citations.publication_reference(p, request.build_absolute_uri(p.get_absolute_url()))
        for p in publications
    ]
    return _response(request, refs, fmt, "publications")


@require_safe
def trial_citation(request, key, fmt):
    trial = Trial.objects.published().select_related("lead_sponsor").by_key(key)
    if trial is None:
        raise Http404("No published trial has this id.")
    url = request.build_absolute_uri(trial.get_absolute_url())
    ref = citations.trial_reference(trial, url, timezone.localdate(), data_timestamp())
    return _response(request, [ref], fmt, f"trial-{trial.url_key}")


@require_safe
def synthesis_citation(request, slug, fmt):
    family = get_object_or_404(OutcomeFamily, slug=slug)
    try:
        options = options_from_query(request.GET)
    except BadParameter as error:
        return _problem(error.name, str(error))
    synthesis = synthesis_for(family, options)
    query = urlencode({"family": slug, **options.as_query()})
    url = request.build_absolute_uri(f"{reverse('public:synthesis')}?{query}")
    ref = citations.synthesis_reference(synthesis, url, timezone.localdate(), data_timestamp())
    return _response(request, [ref], fmt, f"synthesis-{slug}")
