"""Comparing two saved versions of a record, for the admin's history diff."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist

# Bookkeeping that changes on every save and would drown the real differences.
NOT_COMPARED = ["updated_at"]


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: str
    old: object
    new: object


@dataclass(frozen=True)
class Comparison:
    older_id: int
    older_date: datetime
    older_user: str
    older_reason: str
    newer_id: int
    newer_date: datetime
    newer_user: str
    newer_reason: str
    changes: list[FieldDiff]


def _version_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError("Choose two versions to compare.") from None


def compare_versions(history, older_id, newer_id) -> Comparison:
    """Field-by-field differences between two history rows of one record.

    ``history`` is the record's historical QuerySet; ids that are missing, not numbers
    or not this record's raise ValueError with a message for the editor. The pair is
    put in date order, whichever way round it was given.
    """
    ids = {_version_id(older_id), _version_id(newer_id)}
    if len(ids) != 2:
        raise ValueError("Choose two different versions to compare.")
    versions = list(history.filter(history_id__in=ids).select_related("history_user"))
    if len(versions) != 2:
        raise ValueError("Those versions do not belong to this record.")
    older, newer = sorted(versions, key=lambda v: (v.history_date, v.history_id))
    delta = newer.diff_against(older, excluded_fields=NOT_COMPARED, foreign_keys_are_objs=True)
    opts = newer.instance_type._meta
    changes = []
    for change in delta.changes:
        try:
            label = str(opts.get_field(change.field).verbose_name)
        except FieldDoesNotExist:  # a field since removed from the model
            label = change.field
        changes.append(FieldDiff(change.field, label, change.old, change.new))
    return Comparison(
        older.history_id,
        older.history_date,
        str(older.history_user or "") or "—",
        older.history_change_reason or "",
        newer.history_id,
        newer.history_date,
        str(newer.history_user or "") or "—",
        newer.history_change_reason or "",
        changes,
    )
