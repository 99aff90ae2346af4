"""Store a record's participant flow and baseline characteristics, in step with the
registry. Like the other posted results they belong to the registry alone, so a part
whose module changed is replaced wholesale, in a few bulk inserts whatever its size.
"""

from trials.ctgov.records import ParsedStudy
from trials.ctgov.records_flow import DROP_WITHDRAW, BaselineData, FlowData
from trials.ctgov.relations import FieldChange
from trials.ctgov.rows import BATCH_SIZE, build, fields_of, insert_ordered
from trials.models import (
    Baseline,
    BaselineDenominator,
    BaselineGroup,
    BaselineMeasure,
    BaselineValue,
    FlowCount,
    FlowGroup,
    FlowPeriod,
    FlowStep,
    ParticipantFlow,
    Trial,
)

FLOW_MODULE, BASELINE_MODULE = "participantFlowModule", "baselineCharacteristicsModule"


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def flow_summary(periods: int, milestones: int, reasons: int) -> str:
    if not (periods or milestones or reasons):
        return ""
    return ", ".join(
        (
            _plural(periods, "period"),
            _plural(milestones, "milestone"),
            _plural(reasons, "drop/withdraw reason"),
        )
    )


def baseline_summary(groups: int, measures: int) -> str:
    if not (groups or measures):
        return ""
    return f"{_plural(measures, 'measure')} in {_plural(groups, 'group')}"


def _stored_flow_summary(trial: Trial) -> str:
    steps = FlowStep.objects.filter(period__flow__trial=trial)
    return flow_summary(
        FlowPeriod.objects.filter(flow__trial=trial).count(),
        steps.exclude(kind=DROP_WITHDRAW).count(),
        steps.filter(kind=DROP_WITHDRAW).count(),
    )


def _parsed_flow_summary(flow: FlowData | None) -> str:
    if flow is None:
        return ""
    steps = [s for p in flow.periods for s in p.steps]
    reasons = sum(s.kind == DROP_WITHDRAW for s in steps)
    return flow_summary(len(flow.periods), len(steps) - reasons, reasons)


def _stored_baseline_summary(trial: Trial) -> str:
    return baseline_summary(
        BaselineGroup.objects.filter(baseline__trial=trial).count(),
        BaselineMeasure.objects.filter(baseline__trial=trial).count(),
    )


def _parsed_baseline_summary(data: BaselineData | None) -> str:
    return baseline_summary(len(data.groups), len(data.measures)) if data else ""


def sync_flow_and_baseline(
    trial: Trial, parsed: ParsedStudy, old_raw: dict | None, raw: dict, force: bool
) -> list[FieldChange]:
    """Replace the trial's flow and baseline where their modules changed; log what moved."""
    parts = (
        ("participant flow", FLOW_MODULE, _stored_flow_summary, _parsed_flow_summary,
         parsed.participant_flow, _replace_flow),
        ("baseline characteristics", BASELINE_MODULE, _stored_baseline_summary,
         _parsed_baseline_summary, parsed.baseline, _replace_baseline),
    )  # fmt: skip
    changes = []
    for label, module, stored, summarise, data, replace in parts:
        known_old = None if old_raw is None else _module(old_raw, module)
        revised = old_raw is not None and known_old != _module(raw, module)
        if old_raw is not None and not revised and not force:
            continue
        old, new = stored(trial), summarise(data)
        if not old and not new:
            continue
        replace(trial, data)
        # Without the previous record (first import under this parser) an equal summary
        # says nothing changed that anyone could see; only a known revision is logged.
        if old != new:
            changes.append(FieldChange(label, old, new))
        elif revised:
            changes.append(FieldChange(label, old, f"{new} (values revised)"))
    return changes


def _module(raw: dict, name: str):
    return (raw.get("resultsSection") or {}).get(name)


def _replace_flow(trial: Trial, data: FlowData | None) -> None:
    ParticipantFlow.objects.filter(trial=trial).delete()
    if data is None:
        return
    flow = build(ParticipantFlow, trial=trial, **fields_of(data, ("groups", "periods")))
    flow.save()
    groups = insert_ordered(FlowGroup, data.groups, flow=flow)
    by_code = {g.code: g for g in groups}
    periods = insert_ordered(FlowPeriod, data.periods, ("steps",), flow=flow)
    step_data = [(row, s) for row, p in zip(periods, data.periods, strict=True) for s in p.steps]
    steps = FlowStep.objects.bulk_create(
        [
            build(FlowStep, period=row, order=n, **fields_of(s, ("counts",)))
            for n, (row, s) in enumerate(step_data)
        ],
        batch_size=BATCH_SIZE,
    )
    FlowCount.objects.bulk_create(
        [
            build(FlowCount, step=row, group=by_code.get(c.group_code), **vars(c))
            for row, (_, s) in zip(steps, step_data, strict=True)
            for c in s.counts
        ],
        batch_size=BATCH_SIZE,
    )


def _replace_baseline(trial: Trial, data: BaselineData | None) -> None:
    Baseline.objects.filter(trial=trial).delete()
    if data is None:
        return
    skip = ("groups", "denominators", "measures")
    baseline = build(Baseline, trial=trial, **fields_of(data, skip))
    baseline.save()
    groups = insert_ordered(BaselineGroup, data.groups, baseline=baseline)
    by_code = {g.code: g for g in groups}
    measures = insert_ordered(BaselineMeasure, data.measures, ("values",), baseline=baseline)
    BaselineDenominator.objects.bulk_create(
        [
            build(
                BaselineDenominator,
                baseline=baseline,
                measure=None if d.measure_index is None else measures[d.measure_index],
                group=by_code.get(d.group_code),
                **fields_of(d, ("measure_index",)),
            )
            for d in data.denominators
        ],
        batch_size=BATCH_SIZE,
    )
    BaselineValue.objects.bulk_create(
        [
            build(BaselineValue, measure=row, group=by_code.get(v.group_code), **vars(v))
            for row, m in zip(measures, data.measures, strict=True)
            for v in m.values
        ],
        batch_size=BATCH_SIZE,
    )
