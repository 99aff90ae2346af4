"""Plain frozen data for a record's participant flow and baseline characteristics.

Every count and value keeps the registry's text beside the parsed number; the number
is None whenever the text is not clearly a number ("NA", "<5", "1,5")."""

from dataclasses import dataclass

MILESTONE, DROP_WITHDRAW = "milestone", "drop_withdraw"


@dataclass(frozen=True, kw_only=True)
class ValueColumns:
    """A measured value with its spread and limits, each text beside its number; shared by
    outcome measurements and baseline values (built by parse_values.value_columns)."""

    value_raw: str
    value: float | None
    spread_raw: str
    spread: float | None
    lower_raw: str
    lower: float | None
    upper_raw: str
    upper: float | None


@dataclass(frozen=True)
class SectionGroupData:
    """A group as the flow or the baseline module lists it (the modules number alike)."""

    code: str
    title: str
    description: str


@dataclass(frozen=True)
class FlowCountData:
    """One group's count at a milestone or for a drop/withdraw reason."""

    group_code: str
    subjects_raw: str
    subjects: int | None
    units_raw: str
    units: int | None
    comment: str


@dataclass(frozen=True)
class FlowStepData:
    """A milestone ("STARTED", "COMPLETED", ...) or a drop/withdraw reason of one period."""

    kind: str  # MILESTONE or DROP_WITHDRAW
    step_type: str
    comment: str
    counts: tuple[FlowCountData, ...]


@dataclass(frozen=True)
class FlowPeriodData:
    title: str
    steps: tuple[FlowStepData, ...]


@dataclass(frozen=True)
class FlowData:
    recruitment_details: str
    pre_assignment_details: str
    type_units_analyzed: str
    groups: tuple[SectionGroupData, ...]
    periods: tuple[FlowPeriodData, ...]


@dataclass(frozen=True)
class DenominatorData:
    """How many were analysed in a group: for the whole table (measure_index None),
    for one measure (class_index None) or for one class of a measure."""

    measure_index: int | None
    class_index: int | None
    units: str
    group_code: str
    value_raw: str
    value: float | None


@dataclass(frozen=True, kw_only=True)
class BaselineValueData(ValueColumns):
    group_code: str
    class_index: int
    class_title: str
    category: str
    comment: str


@dataclass(frozen=True)
class BaselineMeasureData:
    title: str
    description: str
    population_description: str
    param_type: str
    dispersion_type: str
    unit_of_measure: str
    calculate_pct: bool | None
    denom_units_selected: str
    values: tuple[BaselineValueData, ...]


@dataclass(frozen=True)
class BaselineData:
    population_description: str
    type_units_analyzed: str
    groups: tuple[SectionGroupData, ...]
    denominators: tuple[DenominatorData, ...]
    measures: tuple[BaselineMeasureData, ...]
