"""Public trial list (placeholder until the public-pages work lands)."""

from django.shortcuts import render

from trials.models import Trial


def trial_list(request):
    trials = Trial.objects.publicly_addressable().prefetch_related("phases")
    return render(request, "trials/trial_list.html", {"trials": trials})
