"""The keyset behind the trial list's page numbers.

A page is asked for by number, as every shared link does, and read by OFFSET over the
sort index. A "Next" link also carries where its page ended (`after`: the last row's
sort value and id), so the next page is read as "the rows after that one": its cost
does not grow with its depth, and paging on while the registry changes neither skips
nor repeats a trial. A search ranked by relevance pages by number only.

The cursor is opaque to readers; one that does not decode, or that belongs to another
order or page, is refused with 400 rather than guessed at.
"""

import base64
import binascii
import datetime
import json

# Sort → (field, newest/largest first?). Every order puts unknown values last, then
# breaks ties by id (public/filters.py SORT_KEYS), which the condition below mirrors.
KEYSET_FIELDS = {
    "-start": ("start_date", True),
    "start": ("start_date", False),
    "-enrollment": ("enrollment", True),
    "-updated": ("last_update_posted", True),
    "title": ("brief_title", False),
}
DATE_FIELDS = {"start_date", "last_update_posted"}
BAD_CURSOR = "This link's position is not one this site gave out; start again from page 1."


def cursor_after(sort: str, page_number: int, trial) -> str | None:
    """The `after` value for the page following `page_number`, ending at `trial`."""
    if sort not in KEYSET_FIELDS or trial is None:
        return None
    value = getattr(trial, KEYSET_FIELDS[sort][0])
    if isinstance(value, datetime.date):
        value = value.isoformat()
    text = json.dumps([sort, page_number, value, trial.pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def read_cursor(raw: str, sort: str, page_number: int) -> tuple:
    """(sort value, id) of the row a page starts after; ValueError naming what is wrong."""
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        cursor_sort, cursor_page, value, pk = json.loads(text)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise ValueError(BAD_CURSOR) from None
    if sort not in KEYSET_FIELDS or cursor_sort != sort or cursor_page != page_number - 1:
        raise ValueError("This position belongs to another order or page; use the page number.")
    return _typed(sort, value), _whole(pk)


def rows_after(queryset, sort: str, value, pk: int, limit: int) -> list:
    """Up to `limit` rows of `queryset` (in `sort` order) that come after the row (value, pk).

    Written so that the sort's index (trials migration 0016) is read from the cursor on,
    as a range: "value or further, but not the ties already shown". An OR with the
    unknown values would make PostgreSQL scan the index from its start instead. So the
    unknown values, which come last, are read by a second query, on the one page where
    the known values run out.
    """
    field, descending = KEYSET_FIELDS[sort]
    if value is None:  # already among the unknown values, which come last, by id
        return list(queryset.filter(**{f"{field}__isnull": True, "pk__gt": pk})[:limit])
    from_here = f"{field}__lte" if descending else f"{field}__gte"
    rows = list(
        queryset.filter(**{from_here: value}).exclude(**{field: value, "pk__lte": pk})[:limit]
    )
    if len(rows) < limit:
        rows += queryset.filter(**{f"{field}__isnull": True})[: limit - len(rows)]
    return rows


def _typed(sort: str, value):
    field = KEYSET_FIELDS.get(sort, ("", False))[0]
    if value is None and field != "brief_title":
        return None
    if field in DATE_FIELDS and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(BAD_CURSOR) from None
    if field == "enrollment":
        return _whole(value)
    if field == "brief_title" and isinstance(value, str) and "\x00" not in value:
        return value
    raise ValueError(BAD_CURSOR)


def _whole(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
        raise ValueError(BAD_CURSOR)
    return value
