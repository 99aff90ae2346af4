"""The one page for a bad query string: 400, or 404 for a page number past the last."""

from django.shortcuts import render


def bad_request(request, errors, *, back_url="", status=400, last_query="", kept=None):
    """The one 400 page for a query string: each bad parameter with its message, and a
    link back with the other parameters kept. Every public view answers bad input so."""
    if kept is None:
        kept = request.GET.copy()
        for name in [*errors, "format"]:
            kept.pop(name, None)
    context = {
        "errors": errors,
        "kept_query": kept.urlencode(),
        "last_query": last_query,
        "back_url": back_url,
    }
    return render(request, "bad_request.html", context, status=status)
