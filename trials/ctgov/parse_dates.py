"""Registry dates with their type, and what a record says about its results."""

from typing import Any

from trials.ctgov.records import ParseError
from trials.dates import DateType, PartialDate, parse_partial_date


def registry_date(struct: Any, label: str, nct_id: str, warn) -> PartialDate:
    """A registry date with its precision and its type, as the record gives them."""
    text = struct.get("date") if isinstance(struct, dict) else None
    try:
        value = parse_partial_date(text)
    except ValueError as exc:
        raise ParseError(f"{nct_id}: {label}: {exc}") from None
    date_type = struct.get("type") if value and isinstance(struct.get("type"), str) else ""
    if date_type and date_type not in DateType.values:
        warn(f"unknown {label}.type {date_type!r} stored as given")
    return value._replace(type=date_type)


def results_submitted(study: dict, status: dict, nct_id: str, warn) -> PartialDate:
    """When results were first submitted (ACTUAL), or are expected to be (ESTIMATED)."""
    if status.get("resultsFirstSubmitDate"):
        struct = {"date": status["resultsFirstSubmitDate"], "type": DateType.ACTUAL}
        return registry_date(struct, "resultsFirstSubmitDate", nct_id, warn)
    misc = (study.get("derivedSection") or {}).get("miscInfoModule") or {}
    estimated = (misc.get("submissionTracking") or {}).get("estimatedResultsFirstSubmitDate")
    struct = {"date": estimated, "type": DateType.ESTIMATED}
    return registry_date(struct, "estimatedResultsFirstSubmitDate", nct_id, warn)


def results_state(study: dict, fields: dict) -> str | None:
    """posted / submitted / not_posted as the record says; None when it says nothing."""
    says = study.get("hasResults")
    if says is True or "resultsSection" in study or fields.get("results_first_posted"):
        return "posted"
    if fields.get("results_first_submitted"):
        return "submitted"
    if says is False:
        return "not_posted"
    return None
