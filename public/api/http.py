"""HTTP manners of the API: JSON only, problem details, throttling, conditional GET."""

import hashlib

from django.conf import settings
from django.http import Http404
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from rest_framework import exceptions, serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import exception_handler

PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    410: "Gone",
    429: "Too many requests",
}


class AlwaysJSON(BaseContentNegotiation):
    """The API speaks JSON whatever the client's Accept header says (never a 406)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class AnonymousRateThrottle(AnonRateThrottle):
    """Requests per address; the rate is read from settings.API_ANON_RATE on each request."""

    def get_rate(self):
        return settings.API_ANON_RATE

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "This record was withdrawn."


class BadParameter(exceptions.ValidationError):
    """A 400 naming one query parameter and why its value cannot be used."""

    def __init__(self, name: str, reason: str):
        super().__init__({name: [reason]})


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The query parameter at fault.")
    reason = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text="Always 'about:blank': the status says it all.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    invalid_params = InvalidParamSerializer(many=True, required=False)


def _invalid_params(detail) -> list[dict]:
    if not isinstance(detail, dict):
        return []
    found = []
    for name, messages in detail.items():
        messages = messages if isinstance(messages, list) else [messages]
        found += [{"name": str(name), "reason": str(m)} for m in messages]
    return found


def problem_handler(exc, context):
    """Every API error as application/problem+json; a 400 names each bad parameter."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    body = {"type": "about:blank", "title": TITLES.get(code, "Error"), "status": code}
    invalid = _invalid_params(getattr(exc, "detail", None))
    if invalid:
        body["detail"] = "; ".join(f"{p['name']}: {p['reason']}" for p in invalid)
        body["invalid_params"] = invalid
    else:
        detail = getattr(exc, "detail", "")
        body["detail"] = str(detail[0] if isinstance(detail, list) and detail else detail)
    problem = Response(body, status=code, headers=dict(response.items()))
    problem.content_type = PROBLEM_TYPE
    return problem


def etag_for(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def conditional(request, response, last_modified=lambda: None):
    """Add ETag (a hash of the body) and Last-Modified; answer 304 when the client is current.

    ``last_modified`` is a callable, so error answers cost no timestamp queries.
    """
    if response.status_code != 200 or request.method not in ("GET", "HEAD"):
        return response
    response.render()
    etag = etag_for(response.content)
    when = last_modified()
    timestamp = int(when.timestamp()) if when else None
    response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)
