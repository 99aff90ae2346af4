"""What every public page shares: withdrawn records and data freshness."""

from django.shortcuts import render

from trials.models import ImportRun


def withdrawn_response(request, record, title: str):
    """A withdrawn record keeps its URL and says why it went (410 Gone, not 404)."""
    return render(
        request,
        "evidence/withdrawn.html",
        {"title": title, "record": record},
        status=410,
    )


def freshness() -> dict:
    """The last successful registry import, for "Registry data as of ..." lines."""
    return {"last_import": ImportRun.objects.last_success()}
