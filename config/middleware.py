"""Site-wide middleware: request logs, the health check, hostile input, security headers."""

import logging
import re
import time
import uuid

from django.conf import settings
from django.http import Http404, JsonResponse

from config.health import health
from config.logs import request_id_var
from public.views.errors import bad_request

logger = logging.getLogger("config.requests")

HEALTH_PATH = "/healthz"
# A caller's own request id is kept when it looks like one (a proxy's, say).
INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# C0 controls, DEL and C1 controls: never meaningful in a URL, and PostgreSQL
# refuses NUL in text outright.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class RequestLogMiddleware:
    """One structured line per request: id, method, path, status, duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            # Probes arrive every few seconds; they would drown the real traffic.
            level = logging.DEBUG if request.path == HEALTH_PATH else logging.INFO
            logger.log(
                level,
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class HealthCheckMiddleware:
    """/healthz answers before host validation and the HTTPS redirect: a load
    balancer probes by address over plain HTTP. It reveals no secrets."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.rstrip("/") != HEALTH_PATH:
            return self.get_response(request)
        healthy, report = health()
        response = JsonResponse(report, status=200 if healthy else 503)
        response["Cache-Control"] = "no-store"
        response["Content-Length"] = str(len(response.content))
        return response


def _shown(text: str) -> str:
    """A parameter name with its control characters spelled out (\\x00)."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)[:100]


def _problem(status: int, title: str, detail: str, **extra) -> JsonResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JsonResponse(body, status=status, content_type="application/problem+json")


class RejectControlCharactersMiddleware:
    """NUL and other control characters: 404 in the path, 400 naming the parameter
    in the query string. Checked once here, so no view or query ever sees them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL.search(request.path):
            if request.path.startswith("/api/"):
                return _problem(404, "Not found", "No resource has this address.")
            raise Http404("No page has this address.")
        errors = {}
        for name, values in request.GET.lists():
            if CONTROL.search(name) or any(CONTROL.search(v) for v in values):
                errors[_shown(name)] = [
                    "contains a control character (such as NUL, tab or a line break); "
                    "remove it and try again."
                ]
        if not errors:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            # The API speaks RFC 9457 problem details, with the bad parameters named.
            invalid = [{"name": name, "reason": messages[0]} for name, messages in errors.items()]
            detail = "A parameter contains a control character."
            return _problem(400, "Bad request", detail, invalid_params=invalid)
        kept = request.GET.copy()
        for name in list(kept):
            if CONTROL.search(name) or any(CONTROL.search(v) for v in kept.getlist(name)):
                del kept[name]
        return bad_request(request, errors, back_url=request.path, kept=kept)


class SecurityHeadersMiddleware:
    """Permissions-Policy and Cross-Origin-Resource-Policy, which Django does not set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if settings.CROSS_ORIGIN_RESOURCE_POLICY:
            response.setdefault(
                "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
            )
        return response
