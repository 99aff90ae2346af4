"""CSV and JSON exports of the filtered trial list, streamed row by row.

Trials are read with ``.values().iterator(chunk_size=...)``; for each chunk the
phases, conditions and countries are fetched in one query each and joined in
Python. Memory stays flat however many trials match, and no model instances are
built (ORM prefetching per row cost ~2 ms a trial in the benchmark).

The first chunk is read before the response starts: once headers are sent, an
error can only cut the body short behind a 200, so it must happen before.
"""

import csv
import json
from collections import defaultdict
from itertools import chain, islice

from django.db.models import F
from django.http import StreamingHttpResponse
from django.urls import reverse

from trials.dates import format_partial_date
from trials.models import Site, Trial

CHUNK_SIZE = 1000
FILENAME = "mdma-trials"
COLUMNS = [
    "nct_id",
    "url_key",
    "acronym",
    "brief_title",
    "phases",
    "overall_status",
    "study_type",
    "conditions",
    "lead_sponsor",
    "enrollment",
    "enrollment_type",
    "start_date",
    "primary_completion_date",
    "completion_date",
    "has_results",
    "countries",
    "last_update_posted",
    "verified",
    "url",
]
TRIAL_FIELDS = [
    "id",
    "nct_id",
    "slug",
    "acronym",
    "brief_title",
    "overall_status",
    "study_type",
    "enrollment",
    "enrollment_type",
    "start_date",
    "start_date_precision",
    "primary_completion_date",
    "primary_completion_date_precision",
    "completion_date",
    "completion_date_precision",
    "has_results",
    "last_update_posted",
    "verified",
]
# A spreadsheet runs a cell that starts with one of these as a formula, also after
# leading spaces; a leading tab or carriage return can hide one.
FORMULA_PREFIXES = ("=", "+", "-", "@")
HIDING_PREFIXES = ("\t", "\r")


def neutralise(value):
    """Make registry text safe to open in a spreadsheet (no formula injection)."""
    if isinstance(value, str) and (
        value.startswith(HIDING_PREFIXES) or value.lstrip().startswith(FORMULA_PREFIXES)
    ):
        return "'" + value
    return value


def started(iterable, count: int = 1):
    """The same items, with the first `count` already produced (their queries run now)."""
    iterator = iter(iterable)
    return chain(list(islice(iterator, count)), iterator)


def _grouped(pairs) -> dict[int, list[str]]:
    grouped = defaultdict(list)
    for trial_id, value in pairs:
        if value and value not in grouped[trial_id]:
            grouped[trial_id].append(value)
    return grouped


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def trial_record(row: dict, related: dict, url_pattern: str) -> dict:
    """One trial as plain data, the same for CSV and JSON."""
    trial_id = row["id"]
    key = row["nct_id"] or row["slug"]
    return {
        "nct_id": row["nct_id"] or "",
        "url_key": key,
        "acronym": row["acronym"],
        "brief_title": row["brief_title"],
        "phases": related["phases"].get(trial_id, []),
        "overall_status": row["overall_status"],
        "study_type": row["study_type"],
        "conditions": related["conditions"].get(trial_id, []),
        "lead_sponsor": row["sponsor"] or "",
        "enrollment": row["enrollment"],
        "enrollment_type": row["enrollment_type"],
        "start_date": format_partial_date(row["start_date"], row["start_date_precision"]),
        "primary_completion_date": format_partial_date(
            row["primary_completion_date"], row["primary_completion_date_precision"]
        ),
        "completion_date": format_partial_date(
            row["completion_date"], row["completion_date_precision"]
        ),
        "has_results": row["has_results"],
        "countries": sorted(related["countries"].get(trial_id, [])),
        "last_update_posted": row["last_update_posted"].isoformat()
        if row["last_update_posted"]
        else "",
        "verified": row["verified"],
        "url": url_pattern.replace("KEY", key),
    }


def _records(queryset, base_url):
    url_pattern = base_url + reverse("evidence:trial", args=["KEY"])
    rows = queryset.values(*TRIAL_FIELDS, sponsor=F("lead_sponsor__name"))
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        ids = [row["id"] for row in chunk]
        related = {
            "phases": _grouped(
                Trial.phases.through.objects.filter(trial_id__in=ids)
                .order_by("phase__order")
                .values_list("trial_id", "phase__code")
            ),
            "conditions": _grouped(
                Trial.conditions.through.objects.filter(trial_id__in=ids)
                .order_by("condition__name")
                .values_list("trial_id", "condition__name")
            ),
            "countries": _grouped(
                Site.objects.filter(trial_id__in=ids).values_list("trial_id", "country_code")
            ),
        }
        for row in chunk:
            yield trial_record(row, related, url_pattern)


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def csv_rows(records):
    writer = csv.writer(_Echo())
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    yield "\ufeff" + writer.writerow(COLUMNS)
    for record in records:
        cells = []
        for name in COLUMNS:
            value = record[name]
            if isinstance(value, list):
                value = "; ".join(value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            elif value is None:
                value = ""
            cells.append(neutralise(value))
        yield writer.writerow(cells)


def stream_csv(lines, filename: str) -> StreamingHttpResponse:
    """Stream rows of cells as a spreadsheet-safe UTF-8 CSV download."""
    writer = csv.writer(_Echo())
    # The header line and the first row: whatever they query runs before headers go.
    lines = started(lines, 2)

    def encoded():
        for number, cells in enumerate(lines):
            text = writer.writerow(["" if c is None else neutralise(c) for c in cells])
            # The byte-order mark makes spreadsheet programs read the file as UTF-8.
            yield "\ufeff" + text if number == 0 else text

    response = StreamingHttpResponse(encoded(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def json_chunks(records, query: str):
    yield '{"query": ' + json.dumps(query) + ', "trials": ['
    first = True
    for record in records:
        yield ("\n" if first else ",\n") + json.dumps(record, ensure_ascii=False)
        first = False
    yield "\n]}\n"


def csv_response(queryset, base_url: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_rows(started(_records(queryset, base_url))), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}.csv"'
    return response


def json_response(queryset, base_url: str, query: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        json_chunks(started(_records(queryset, base_url)), query),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}.json"'
    return response
