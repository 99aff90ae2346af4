"""When the public data last changed: one timestamp for Last-Modified, citations and /data/."""

from datetime import UTC, datetime

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from evidence.models import (
    EffectEstimate,
    OutcomeFamily,
    Publication,
    RegulatoryMilestone,
    SafetyFinding,
)
from trials.datacache import versioned
from trials.models import ImportRun, Trial, TrialChange


def _latest_of():
    """(queryset, datetime field) of every kind of record whose change changes public data."""
    edited = [Trial, Publication, RegulatoryMilestone, EffectEstimate, SafetyFinding]
    return [
        *((model.objects.all(), "updated_at") for model in edited),
        (TrialChange.objects.all(), "created_at"),
        # Outcome families have no updated_at; their history records every edit.
        (OutcomeFamily.history.all(), "history_date"),
        (ImportRun.objects.succeeded(), "finished_at"),
    ]


def _as_datetime(value) -> datetime | None:
    # A raw cursor skips the ORM's converters: SQLite answers naive UTC text.
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def latest_change() -> datetime | None:
    """The latest edit, publication or import of any public record (None on an empty site).

    One statement of scalar subqueries rather than one aggregate per table: every API
    answer asks for it, and eight round trips were most of a short answer's queries.
    """
    parts = [
        queryset.order_by(F(field).desc(nulls_last=True)).values_list(field)[:1].query
        for queryset, field in _latest_of()
    ]
    compiled = [part.sql_with_params() for part in parts]
    sql = "SELECT " + ", ".join(f"({part_sql})" for part_sql, _ in compiled)
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _, params in compiled for param in params])
        known = [_as_datetime(value) for value in cursor.fetchone() if value is not None]
    return max(known) if known else None


def data_timestamp() -> datetime | None:
    """latest_change(), cached under the data version that every public write moves on."""
    return versioned("data-timestamp", (), latest_change)
