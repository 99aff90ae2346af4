"""What every API view shares: published data only, conditional GET, documented errors."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import generics

from public.api.http import PROBLEM_TYPE, BadParameter, ProblemSerializer, conditional
from public.api.pagination import OpaqueCursorPagination
from public.freshness import data_timestamp


def problems(*codes: int) -> dict:
    """Schema entries for the problem-details answers an operation can give."""
    descriptions = {
        400: "A query parameter is malformed; `invalid_params` names it.",
        404: "No published record has this id.",
        410: "The record was withdrawn; `detail` says when and why.",
        429: "Too many requests from this address; wait `Retry-After` seconds.",
    }
    return {
        (code, PROBLEM_TYPE): OpenApiResponse(ProblemSerializer, description=descriptions[code])
        for code in (*codes, 429)
    }


class PublicView(generics.GenericAPIView):
    """Read-only, anonymous, with ETag and Last-Modified on every successful answer."""

    pagination_class = OpaqueCursorPagination

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for name, values in request.query_params.lists():
            # PostgreSQL refuses NUL in text; say which parameter carried one.
            if any("\x00" in value for value in values):
                raise BadParameter(name, "A value may not contain a NUL character.")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return conditional(request, response, data_timestamp)


class NotFoundView(PublicView):
    """Any other address under /api/ answers 404 as problem details, not an HTML page."""

    schema = None

    def get(self, request, *args, **kwargs):
        raise Http404("No API resource at this address; see /api/docs/.")
