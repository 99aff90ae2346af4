"""Public pages (placeholders until the public-pages work lands)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from trials.models import Trial


def overview(request):
    trials = Trial.objects.published().prefetch_related("phases").order_by("-start_date")
    return render(request, "evidence/overview.html", {"trials": trials})


def trial_detail(request, key):
    trial = Trial.objects.publicly_addressable().find(key).first()
    if trial is None:
        raise Http404("No such trial")
    return render(request, "evidence/trial_detail.html", {"trial": trial})


def milestone_list(request):
    raise Http404


def milestone_detail(request, pk):
    raise Http404


def publication_list(request):
    raise Http404


def publication_detail(request, pk):
    from evidence.models import Publication

    get_object_or_404(Publication, pk=pk)
    raise Http404
