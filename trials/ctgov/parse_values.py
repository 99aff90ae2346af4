"""Field readers every part of the parser shares: text, enums and whole counts."""

from collections.abc import Callable
from typing import Any

from trials.ctgov.records import ParseError


def text(value: Any) -> str:
    """A string field, stripped; anything else (absent, null, a number) is blank."""
    return value.strip() if isinstance(value, str) else ""


def enum_text(value: Any, enum, label: str, warn) -> str:
    """An enum kept as the API spells it; an unknown value is kept and warned about."""
    found = text(value)
    if found and found not in enum.values:
        warn(f"unknown {label} {found!r} stored as given")
    return found


def whole_count(value: Any, label: str, nct_id: str) -> int | None:
    """A whole number: the API sends integers, an old dump may send "42"; None if blank."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ParseError(f"{nct_id}: {label} is not a whole number: {value!r}")
    try:
        return int(value)
    except ValueError:
        raise ParseError(f"{nct_id}: {label} is not a whole number: {value!r}") from None


# A measurement's numbers: the registry's key and the column prefix it is stored under.
VALUE_KEYS = (
    ("value", "value"),
    ("spread", "spread"),
    ("lowerLimit", "lower"),
    ("upperLimit", "upper"),
)


def value_columns(
    texts: dict[str, str], number: Callable[[str], float | None], keys=VALUE_KEYS
) -> dict:
    """A measurement's value, spread and limits (or other `keys`), each text beside its
    parsed number."""
    columns = {}
    for key, name in keys:
        columns[f"{name}_raw"], columns[name] = texts[key], number(texts[key])
    return columns
