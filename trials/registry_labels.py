"""Registry enum values in words, for pages. Storage keeps the registry's spelling;
a value this table does not know is shown exactly as the registry wrote it."""

LABELS = {
    # MeasureParam
    "GEOMETRIC_MEAN": "Geometric mean",
    "GEOMETRIC_LEAST_SQUARES_MEAN": "Geometric least squares mean",
    "LEAST_SQUARES_MEAN": "Least squares mean",
    "LOG_MEAN": "Log mean",
    "MEAN": "Mean",
    "MEDIAN": "Median",
    "NUMBER": "Number",
    "COUNT_OF_PARTICIPANTS": "Count of participants",
    "COUNT_OF_UNITS": "Count of units",
    # MeasureDispersionType
    "NA": "Not applicable",
    "STANDARD_DEVIATION": "Standard deviation",
    "STANDARD_ERROR": "Standard error",
    "INTER_QUARTILE_RANGE": "Inter-quartile range",
    "FULL_RANGE": "Full range",
    "CONFIDENCE_80": "80% confidence interval",
    "CONFIDENCE_90": "90% confidence interval",
    "CONFIDENCE_95": "95% confidence interval",
    "CONFIDENCE_975": "97.5% confidence interval",
    "CONFIDENCE_99": "99% confidence interval",
    "CONFIDENCE_OTHER": "Other confidence interval",
    "GEOMETRIC_COEFFICIENT": "Geometric coefficient of variation",
    # Participant-flow milestones the registry names itself; others are the sponsor's words.
    "STARTED": "Started",
    "COMPLETED": "Completed",
    "NOT COMPLETED": "Not completed",
    # AdverseEventAssessmentType
    "SYSTEMATIC_ASSESSMENT": "Systematic assessment",
    "NON_SYSTEMATIC_ASSESSMENT": "Non-systematic assessment",
}

# OutcomeMeasureType: a posted outcome's kind, read as a phrase ("Primary outcome").
OUTCOME_TYPES = {
    "PRIMARY": "Primary outcome",
    "SECONDARY": "Secondary outcome",
    "OTHER_PRE_SPECIFIED": "Other pre-specified outcome",
    "POST_HOC": "Post-hoc outcome",
}


def registry_label(value: str) -> str:
    """A registry enum value in words ("GEOMETRIC_MEAN" -> "Geometric mean")."""
    return LABELS.get(value, value)


def outcome_type_label(value: str) -> str:
    """A posted outcome's type in words ("OTHER_PRE_SPECIFIED" -> "Other pre-specified
    outcome"); an unknown value stays as the registry wrote it."""
    return OUTCOME_TYPES.get(value, value)


def measure_label(param_type: str, dispersion_type: str, unit: str) -> str:
    """How a measure's values read: "Mean (standard deviation), years"."""
    text = registry_label(param_type)
    if dispersion_type and dispersion_type != "NA":
        dispersion = registry_label(dispersion_type)
        # Keep a registry value we do not know as written; lower-case only our own words.
        dispersion = (
            dispersion if dispersion == dispersion_type else dispersion[0].lower() + dispersion[1:]
        )
        text = f"{text} ({dispersion})" if text else dispersion
    if unit:
        text = f"{text}, {unit}" if text else unit
    return text
