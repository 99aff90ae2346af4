"""Safety findings as open data: one row builder for the /safety/ CSV and JSON exports and
the data package's safety_findings table, so all three say the same thing."""

import json

from django.http import Http404, StreamingHttpResponse
from django.views.decorators.http import require_safe

from evidence.models import SafetyFinding
from evidence.safety_numbers import number_lines
from public import datapackage_tables as t
from public.exports import started, stream_csv

FILENAME = "mdma-safety-findings"
S, INT, B, OBJ = "string", "integer", "boolean", "object"

# (name, Table Schema type, description): the columns of every safety export.
COLUMNS = [
    ("id", INT, ""),
    ("key", S, "the safety fact sheet's id"),
    ("topic", S, "section of /safety/"),
    ("sheet_section", S, "the fact sheet's own section heading"),
    ("statement", S, ""),
    ("numbers", OBJ, "counts and denominators as the source gives them (JSON); empty if none"),
    ("numbers_text", S, "the numbers as /safety/ shows them, separated by |"),
    ("status", S, "verified, secondary (read in a review's table) or unverified"),
    ("retracted", B, "the source, or a publication it rests on, is retracted"),
    ("source_citation", S, ""),
    ("source_url", S, ""),
    ("source_level", S, "e.g. primary (journal abstract), news, regulator"),
    ("quote", S, "a short verbatim quote from the source"),
    ("note", S, ""),
    ("trial_keys", S, "published trials it rests on, separated by |"),
    ("publication_ids", S, "published publications it rests on, separated by |"),
    ("milestone_ids", S, "published milestones it comes from, separated by |"),
    ("verified", B, "checked against the source cited"),
    ("unverified_note", S, "what could not be confirmed"),
    ("url_path", S, "the finding on /safety/"),
]


def _joined(values) -> str:
    return "|".join(str(v) for v in values)


def finding_row(f) -> dict:
    """One published finding with only its published links; numbers stay structured."""
    return {
        "id": f.pk,
        "key": f.seed_key,
        "topic": f.topic,
        "sheet_section": f.sheet_section,
        "statement": f.statement,
        "numbers": f.numbers,
        "numbers_text": _joined(number_lines(f.numbers)),
        "status": f.verification_status,
        "retracted": f.is_retracted,
        "source_citation": f.source_citation,
        "source_url": f.source_url,
        "source_level": f.source_level,
        "quote": f.quote,
        "note": f.note,
        "trial_keys": _joined(trial.url_key for trial in f.trials.all()),
        "publication_ids": _joined(p.pk for p in f.publications.all()),
        "milestone_ids": _joined(m.pk for m in f.milestones.all()),
        "verified": f.verified,
        "unverified_note": f.unverified_note,
        "url_path": f.get_absolute_url(),
    }


def finding_rows():
    for finding in SafetyFinding.objects.for_public().order_by("order", "pk"):
        yield finding_row(finding)


def package_rows():
    """Rows for the data package, the numbers written as JSON text."""
    for row in finding_rows():
        numbers = row["numbers"]
        yield {**row, "numbers": None if numbers is None else json.dumps(numbers)}


SAFETY_TABLE = t.Table(
    "safety_findings",
    "What trials, reviews and regulators say about MDMA's harms, each with its source",
    COLUMNS,
    package_rows,
    primary_key=["id"],
)


def _csv_lines():
    names = [name for name, _, _ in COLUMNS]
    yield names
    for row in package_rows():
        yield [_csv_cell(row[name]) for name in names]


def _csv_cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _json_chunks():
    yield '{"safety_findings": ['
    for number, row in enumerate(started(finding_rows())):
        yield ("\n" if number == 0 else ",\n") + json.dumps(row, ensure_ascii=False)
    yield "\n]}\n"


@require_safe
def safety_findings_export(request, fmt: str):
    """Every published safety finding as CSV or JSON."""
    if fmt == "csv":
        return stream_csv(_csv_lines(), f"{FILENAME}.csv")
    if fmt != "json":
        raise Http404("Safety findings are offered as .csv or .json.")
    response = StreamingHttpResponse(_json_chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}.json"'
    return response
