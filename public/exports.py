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
from collections import defaultdict, namedtuple
from itertools import chain, islice

from django.db.models import F
from django.http import StreamingHttpResponse
from django.urls import reverse

from trials.choices import RecordSource
from trials.dates import Precision, format_partial_date
from trials.models import Arm, Condition, Phase, Site, Trial
from trials.models.curated_facts import curated_country_pairs

CHUNK_SIZE = 1000
# CSV column -> JSON key of each dosed arm. A CSV cell lists a trial's dosed arms in
# order, separated by " | " (source texts contain semicolons). Amounts are in
# dose_unit, never converted.
CSV_DOSE_KEYS = {
    "dose_arms": "arm",
    "dose_unit": "unit",
    "dose_initial_min": "initial_min",
    "dose_initial_max": "initial_max",
    "dose_supplemental_min": "supplemental_min",
    "dose_supplemental_max": "supplemental_max",
    "dosing_sessions": "sessions",
    "dose_schedule": "schedule",
    "dose_source_text": "source_text",
}
ARM_SEPARATOR = " | "
FILENAME = "mdma-trials"
COLUMNS = [
    "nct_id",
    "url_key",
    "acronym",
    "brief_title",
    "phases",
    "overall_status",
    "last_known_status",
    "study_type",
    "conditions",
    "lead_sponsor",
    "enrollment",
    "enrollment_type",
    "start_date",
    "start_date_type",
    "primary_completion_date",
    "primary_completion_date_type",
    "completion_date",
    "completion_date_type",
    "has_results",
    "results_status",
    "results_first_posted",
    "results_first_posted_type",
    "countries",
    "first_posted",
    "first_posted_type",
    "last_update_posted",
    "last_update_posted_type",
    "status_verified",
    "record_source",
    "verified",
    "doses",
    *CSV_DOSE_KEYS,
    "url",
]
# Registry dates exported with the registry's type (ACTUAL, ESTIMATED, ANTICIPATED or "").
TYPED_DATES = [
    "start_date",
    "primary_completion_date",
    "completion_date",
    "results_first_posted",
    "first_posted",
    "last_update_posted",
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
    "last_known_status",
    "results_status",
    "results_first_posted",
    "first_posted",
    "status_verified_date",
    "status_verified_date_precision",
    "record_source",
    *(f"{name}_type" for name in TYPED_DATES),
]
# A spreadsheet runs a cell that starts with one of these as a formula, also after
# leading spaces; a leading tab or carriage return can hide one.
FORMULA_PREFIXES = ("=", "+", "-", "@")
HIDING_PREFIXES = ("\t", "\r")


def neutralise(value):
    """Make registry text safe to open in a spreadsheet (no formula injection)."""
    if not isinstance(value, str) or not value:
        return value
    # Most cells start with a letter or digit: decided without copying the text.
    if not value[0].isspace():
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if value.startswith(HIDING_PREFIXES) or value.lstrip().startswith(FORMULA_PREFIXES):
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


def _date_text(row: dict, name: str) -> str:
    """A date as precise as the registry gave it; its type goes in the next column."""
    return format_partial_date(row[name], row.get(f"{name}_precision", Precision.DAY))


def trial_record(row: dict, related: dict, url_pattern: str) -> dict:
    """One trial as plain data, the same for CSV and JSON.

    ``verified`` is None for a registry record: the registry is the source of what it
    states, so "unverified" would be wrong; ``record_source`` says which it is.
    """
    trial_id = row["id"]
    key = row["nct_id"] or row["slug"]
    registry = row["record_source"] == RecordSource.REGISTRY
    dates = {}
    for name in TYPED_DATES:
        dates[name] = _date_text(row, name)
        dates[f"{name}_type"] = row[f"{name}_type"] if row[name] else ""
    return {
        "nct_id": row["nct_id"] or "",
        "url_key": key,
        "acronym": row["acronym"],
        "brief_title": row["brief_title"],
        "phases": related["phases"].get(trial_id, []),
        "overall_status": row["overall_status"],
        "last_known_status": row["last_known_status"],
        "study_type": row["study_type"],
        "conditions": related["conditions"].get(trial_id, []),
        "lead_sponsor": row["sponsor"] or "",
        "enrollment": row["enrollment"],
        "enrollment_type": row["enrollment_type"],
        **dates,
        "has_results": row["has_results"],
        # None (empty in CSV) when no source says whether results are posted.
        "results_status": row["results_status"],
        "countries": sorted(related["countries"].get(trial_id, [])),
        "status_verified": _date_text(row, "status_verified_date"),
        "record_source": row["record_source"],
        "verified": None if registry else row["verified"],
        "doses": [arm_dose_record(arm) for arm in related["arms"].get(trial_id, [])],
        "url": url_pattern.replace("KEY", key),
    }


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def arm_dose_record(arm) -> dict:
    """One arm's dose as plain data: the words (Arm.dose_text) and the stated fields."""
    return {
        "arm": arm.label,
        # Arm.dose_text only reads these fields; the export's rows are plain tuples.
        "dose": Arm.dose_text.fget(arm),
        "unit": arm.dose_unit,
        "initial_min": _number(arm.dose_initial_min),
        "initial_max": _number(arm.dose_initial_max),
        "supplemental_min": _number(arm.dose_supplemental_min),
        "supplemental_max": _number(arm.dose_supplemental_max),
        "sessions": arm.dosing_sessions,
        "schedule": arm.dose_note,
        "source_text": arm.dose_source_text,
    }


# Only the columns Arm.dose_text and arm_dose_record read: tuples, not model instances
# (building 250,000 Arm instances was a fifth of a 100,000-row export).
ARM_FIELDS = ["trial_id", "label", *Arm.DOSE_FIELDS, "dose_source_text"]
ArmRow = namedtuple("ArmRow", ARM_FIELDS)


def _dosed_arms(ids) -> dict[int, list[ArmRow]]:
    """The arms of these trials that state anything about a dose, in arm order."""
    grouped = defaultdict(list)
    arms = (
        Arm.objects.filter(trial_id__any=ids)
        .exclude(dose_unit="", dose_note="", dose_source_text="")
        .order_by("trial_id", "order", "pk")
        .values_list(*ARM_FIELDS)
    )
    for arm in map(ArmRow._make, arms):
        grouped[arm.trial_id].append(arm)
    return grouped


def _in_order(pairs, rank: dict) -> dict[int, list[str]]:
    """(trial id, related id) pairs as each trial's values, in the related table's order."""
    ordered = sorted((rank[related_id], trial_id) for trial_id, related_id in pairs)
    return _grouped((trial_id, value) for (_, value), trial_id in ordered)


def _related(ids, phase_rank: dict) -> dict:
    """Phases, conditions, countries and dosed arms of one chunk of trials.

    No query here orders by a joined column: that ORDER BY made PostgreSQL read every
    link row of the table for each chunk (seconds per chunk at 100,000 trials) where
    the trial_id index reads only the chunk's. The order is restored in Python.
    """
    condition_links = list(
        Trial.conditions.through.objects.filter(trial_id__any=ids)
        .order_by()
        .values_list("trial_id", "condition_id")
    )
    names = Condition.objects.filter(pk__any=list({c for _, c in condition_links})).order_by("name")
    condition_rank = {pk: (n, name) for n, (pk, name) in enumerate(names.values_list("pk", "name"))}
    sites = (
        Site.objects.filter(trial_id__any=ids).order_by().values_list("trial_id", "country_code")
    )
    return {
        "phases": _in_order(
            Trial.phases.through.objects.filter(trial_id__any=ids)
            .order_by()
            .values_list("trial_id", "phase_id"),
            phase_rank,
        ),
        "conditions": _in_order(condition_links, condition_rank),
        "countries": _grouped([*sites.distinct(), *sorted(curated_country_pairs(ids))]),
        "arms": _dosed_arms(ids),
    }


def _records(queryset, base_url):
    url_pattern = base_url + reverse("public:trial", args=["KEY"])
    rows = queryset.values(*TRIAL_FIELDS, sponsor=F("lead_sponsor__name"))
    phases = Phase.objects.order_by("order", "pk").values_list("pk", "code")
    phase_rank = {pk: (n, code) for n, (pk, code) in enumerate(phases)}
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        related = _related([row["id"] for row in chunk], phase_rank)
        for row in chunk:
            yield trial_record(row, related, url_pattern)


def csv_dose_cells(doses: list[dict]) -> dict[str, str]:
    """The dose columns of one CSV row: each field of every dosed arm, in arm order."""

    def cell(value):
        return "" if value is None else str(value)

    cells = {
        column: ARM_SEPARATOR.join(cell(d[key]) for d in doses)
        for column, key in CSV_DOSE_KEYS.items()
    }
    cells["doses"] = "; ".join(d["dose"] for d in doses if d["dose"])
    return cells


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def _csv_cell(value):
    """A record's value as one CSV cell: lists joined, booleans as words."""
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_lines(records):
    """The trial list's header line, then one line of cells per trial record."""
    yield COLUMNS
    for record in records:
        record = {**record, **csv_dose_cells(record["doses"])}
        yield [_csv_cell(record[name]) for name in COLUMNS]


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
    return stream_csv(csv_lines(_records(queryset, base_url)), f"{FILENAME}.csv")


def json_response(queryset, base_url: str, query: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        json_chunks(started(_records(queryset, base_url)), query),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}.json"'
    return response
