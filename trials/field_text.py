"""The one formatter from a trial field's value to text: what the import's change log
records, the public change list shows and a field lock compares with the registry."""

import datetime
from collections.abc import Mapping
from typing import Any

from trials.ctgov.records import Org
from trials.dates import PartialDate, Precision, format_partial_date


def value_text(value: Any) -> str:
    """A value as text: booleans as yes/no, dates in ISO form, codes as the registry spells them."""
    if value is None:
        return ""
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, Org):
        return value.name
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def field_text(record, name: str, sponsors: Mapping[int, str] | None = None) -> str:
    """A field of a trial, or of one of its saved versions, as text: dates as precise as they
    were given and with their type. `sponsors` (id to name) saves a query per version."""
    if name == "lead_sponsor":
        if not record.lead_sponsor_id:
            return ""
        if sponsors is not None:
            return sponsors.get(record.lead_sponsor_id, "")
        return record.lead_sponsor.name
    value = getattr(record, name)
    if isinstance(value, datetime.date):
        precision = getattr(record, f"{name}_precision", Precision.DAY)
        return format_partial_date(value, precision, getattr(record, f"{name}_type", ""))
    return value_text(value)
