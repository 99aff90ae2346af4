"""Cursor pagination with next/previous links, a Link header and page_size up to 1000.

The cursor is opaque to clients. It holds a position in the requested order, so any
sort the trial list offers (relevance included) pages consistently without a
"page 7 of 12" contract.
"""

import base64
import binascii

from django.core.exceptions import EmptyResultSet
from django.utils.http import urlencode
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from public.api.http import BadParameter
from public.filters import DIGITS
from trials.datacache import versioned

API_PAGE_SIZE = 100
API_MAX_PAGE_SIZE = 1000


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"p{position}".encode()).decode().rstrip("=")


def decode_cursor(raw: str) -> int:
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not (text.startswith("p") and DIGITS.fullmatch(text[1:])):
        raise BadParameter("cursor", "Not a cursor this API gave out; follow the next link.")
    return int(text[1:])


def page_size_from(params) -> int:
    raw = params.get("page_size", "").strip()
    if not raw:
        return API_PAGE_SIZE
    if not DIGITS.fullmatch(raw) or not 1 <= int(raw) <= API_MAX_PAGE_SIZE:
        raise BadParameter("page_size", f"Give a whole number from 1 to {API_MAX_PAGE_SIZE}.")
    return int(raw)


def shared_count(queryset) -> int:
    """How many records match, shared across requests until the data changes.

    Counting every match is most of a cold answer's time at 100,000 trials, and the
    count depends only on the query and the data.
    """
    try:
        query = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter no record can match (an empty IN list)
        return 0
    return versioned("api-count", query, queryset.count)


class OpaqueCursorPagination(BasePagination):
    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = page_size_from(request.query_params)
        raw = request.query_params.get("cursor", "").strip()
        self.position = decode_cursor(raw) if raw else 0
        self.count = shared_count(queryset)
        return list(queryset[self.position : self.position + self.page_size])

    def _link(self, position: int | None) -> str | None:
        if position is None:
            return None
        params = self.request.query_params.copy()
        params.pop("cursor", None)
        if position > 0:
            params["cursor"] = encode_cursor(position)
        query = urlencode(sorted(params.lists()), doseq=True)
        return self.request.build_absolute_uri(self.request.path + (f"?{query}" if query else ""))

    def links(self) -> tuple[str | None, str | None]:
        following = self.position + self.page_size
        next_link = self._link(following if following < self.count else None)
        previous = max(self.position - self.page_size, 0) if self.position > 0 else None
        return next_link, self._link(previous)

    def get_paginated_response(self, data):
        next_link, previous = self.links()
        response = Response(
            {"count": self.count, "next": next_link, "previous": previous, "results": data}
        )
        links = [(url, rel) for url, rel in ((next_link, "next"), (previous, "prev")) if url]
        if links:
            response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links)
        return response

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Records matching, all pages."},
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "Opaque position from a next or previous link.",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"Records per page, 1 to {API_MAX_PAGE_SIZE}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": API_MAX_PAGE_SIZE},
            },
        ]
