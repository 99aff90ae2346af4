"""What every public page shares: withdrawn records and data freshness."""

from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import render

from trials.datacache import versioned
from trials.models import ImportRun


def withdrawn_response(request, record, title: str):
    """A withdrawn record keeps its URL and says why it went (410 Gone, not 404)."""
    return render(
        request,
        "public/withdrawn.html",
        {"title": title, "record": record, "estimates_out": _estimates_taken_out(record)},
        status=410,
    )


def _estimates_taken_out(record) -> int:
    # Trials and publications carry effect estimates; withdrawing them takes
    # those estimates out of every synthesis (EffectEstimate.public_evidence).
    # Query afresh: the view may have prefetched only the still-public estimates.
    try:
        relation = record._meta.get_field("effect_estimates")
    except FieldDoesNotExist:
        return 0
    return (
        relation.related_model.objects.published().filter(**{relation.field.name: record}).count()
    )


def freshness() -> dict:
    """The registry import the data comes from, for "Registry data as of ..." lines."""
    # Every import run's save moves the data version on, so the cached run is current.
    return {"last_import": versioned("last-import", (), ImportRun.objects.last_data)}
