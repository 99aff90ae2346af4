"""What every API view shares: published data only, conditional GET, documented errors."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import generics

from public.api.http import PROBLEM_TYPE, ProblemSerializer, conditional
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

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return conditional(request, response, data_timestamp())
