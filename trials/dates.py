"""Partial dates: registries give "2018", "2018-11" or "2018-11-29".

The date is stored as the first day of the period beside its precision, so it
sorts and filters like a date but renders only as precisely as it was given.
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


class PartialDate(NamedTuple):
    date: datetime.date | None
    precision: str = ""

    def __str__(self) -> str:
        return format_partial_date(self.date, self.precision)

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


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return f"{value.year:04d}"
    if precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    if precision == Precision.CIRCA_MONTH:
        return f"c. {value.year:04d}-{value.month:02d}"
    return value.isoformat()


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
