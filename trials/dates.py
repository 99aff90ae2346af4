"""Partial dates: registries give "2018", "2018-11" or "2018-11-29", each ACTUAL or ESTIMATED.

The date is stored as the first day of the period beside its precision, so it
sorts and filters like a date but renders only as precisely as it was given. The
registry's date type is kept beside it and always shown: "2025-02 (estimated)" is
a plan, not something that happened. Older records omit the type; they show none.
"""

import datetime
import re
from typing import NamedTuple

from django.db import models


class Precision(models.TextChoices):
    YEAR = "year", "year"
    MONTH = "month", "month"
    DAY = "day", "day"
    # A month the source gives only roughly ("~Oct 2024"): shown as "c. 2024-10".
    CIRCA_MONTH = "circa", "approximate month"


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class DateType(models.TextChoices):
    ACTUAL = "ACTUAL", "actual"
    ESTIMATED = "ESTIMATED", "estimated"
    # Older records say ANTICIPATED where newer ones say ESTIMATED; kept as given.
    ANTICIPATED = "ANTICIPATED", "anticipated"


class PartialDate(NamedTuple):
    date: datetime.date | None
    precision: str = ""
    type: str = ""  # a DateType value, or "" when the registry gave none

    def __str__(self) -> str:
        return format_partial_date(self.date, self.precision, self.type)

    def __bool__(self) -> bool:
        return self.date is not None


_CIRCA = re.compile(r"^(?:~|c\.)\s*(\d{4}-\d{2})$")


def parse_partial_date(text: str | None) -> PartialDate:
    """Parse YYYY, YYYY-MM, YYYY-MM-DD or an approximate month (~YYYY-MM, c. YYYY-MM).

    Raise ValueError for anything else.
    """
    if text is None or str(text).strip() == "":
        return PartialDate(None, "")
    if circa := _CIRCA.match(str(text).strip()):
        return PartialDate(parse_partial_date(circa.group(1)).date, Precision.CIRCA_MONTH)
    match = _PARTIAL_DATE.match(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        value = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        # datetime's own message ("month must be in 1..12") does not say which input.
        raise ValueError(f"{text!r} is not a real calendar date") from None
    if day:
        return PartialDate(value, Precision.DAY)
    if month:
        return PartialDate(value, Precision.MONTH)
    return PartialDate(value, Precision.YEAR)


def format_partial_date(
    value: datetime.date | None, precision: str = Precision.DAY, date_type: str = ""
) -> str:
    """The one way a registry date is shown: "2025-02", "2025-02 (estimated)"."""
    if value is None:
        return ""
    if precision == Precision.YEAR:
        text = f"{value.year:04d}"
    elif precision == Precision.MONTH:
        text = f"{value.year:04d}-{value.month:02d}"
    elif precision == Precision.CIRCA_MONTH:
        text = f"c. {value.year:04d}-{value.month:02d}"
    else:
        text = value.isoformat()
    return f"{text} ({date_type_label(date_type)})" if date_type else text


def date_type_label(date_type: str) -> str:
    """ "estimated" for ESTIMATED; an unknown type is shown as the registry spells it."""
    try:
        return DateType(date_type).label
    except ValueError:
        return date_type.lower()


def partial_date_end(value: PartialDate) -> datetime.date | None:
    """Last day of the period, for "before" comparisons on partial dates."""
    if value.date is None:
        return None
    if value.precision == Precision.YEAR:
        return datetime.date(value.date.year, 12, 31)
    if value.precision in (Precision.MONTH, Precision.CIRCA_MONTH):
        first_of_next = (value.date.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return first_of_next - datetime.timedelta(days=1)
    return value.date
