"""Whole rendered pages in the versioned shared cache, for the pages everyone reads.

A page is stored under its host, path and query string plus the data version
(trials.datacache), so an import, a publish or any other write makes every stored page
unreachable at once: a cached page is never older than the data. Only complete 200 HTML
answers are stored. Nothing on these pages depends on who asks (no user, session, CSRF
token or CSP nonce is rendered), so one copy serves everyone.
"""

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from trials.datacache import TIMEOUT, versioned_key

# Headers the view itself set (Link, Content-Language…); the middleware adds the rest
# on every answer, cached or not.
SKIPPED_HEADERS = {"content-length", "set-cookie", "vary"}


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
    )


def versioned_page(view):
    """Serve ``view``'s page from the shared cache while the data has not changed."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PAGE_CACHE or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        key = versioned_key("page", (request.get_host(), request.get_full_path()))
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if _storable(response):
            headers = [(k, v) for k, v in response.items() if k.lower() not in SKIPPED_HEADERS]
            cache.set(key, (response.content, headers), timeout=TIMEOUT)
        return response

    return wrapper
