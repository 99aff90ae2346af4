"""Store a record's posted results: outcome measures with groups, measurements and
analyses, adverse-event totals per group, every adverse-event term with its counts
per group, participant flow and baseline characteristics (the last two in store_flow),
in step with the registry.

Results belong to the registry alone (editors never edit them), so when the
record's results changed they are replaced wholesale, in a handful of bulk
inserts whatever their size.
"""

import logging

from trials.ctgov.records import ParsedStudy
from trials.ctgov.relations import FieldChange
from trials.ctgov.rows import BATCH_SIZE, build, fields_of, insert_ordered
from trials.ctgov.store_adverse_events import clear_adverse_events, store_adverse_events
from trials.ctgov.store_flow import sync_flow_and_baseline
from trials.models import (
    AdverseEvent,
    AdverseEventGroup,
    ResultAnalysis,
    ResultGroup,
    ResultMeasurement,
    ResultOutcome,
    Trial,
)

logger = logging.getLogger(__name__)


def _summary(outcomes: int, analyses: int, ae_groups: int, ae_terms: int = 0) -> str:
    if not (outcomes or ae_groups):
        return ""
    text = f"{outcomes} outcome measures, {analyses} analyses, {ae_groups} adverse-event groups"
    return f"{text}, {ae_terms} adverse-event terms" if ae_terms else text


def sync_results(
    trial: Trial, parsed: ParsedStudy, old_raw: dict | None, raw: dict, force: bool
) -> list[FieldChange]:
    """Replace the trial's results if the record's results section changed."""
    if parsed.results is None:
        return []
    unchanged = old_raw is not None and old_raw.get("resultsSection") == raw.get("resultsSection")
    if unchanged and not force:
        return []
    old = _summary(
        trial.result_outcomes.count(),
        ResultAnalysis.objects.filter(outcome__trial=trial).count(),
        trial.adverse_event_groups.count(),
        AdverseEvent.objects.filter(trial=trial).count(),
    )
    new = _summary(
        len(parsed.results),
        sum(len(o.analyses) for o in parsed.results),
        len(parsed.adverse_event_groups or ()),
        len(parsed.adverse_events.events) if parsed.adverse_events else 0,
    )
    changes = sync_flow_and_baseline(trial, parsed, old_raw, raw, force)
    if not old and not new:
        return changes
    trial.result_outcomes.all().delete()
    trial.adverse_event_groups.all().delete()
    clear_adverse_events(trial)
    _store(trial, parsed)
    if old == new:
        new += " (values revised)"
    return [FieldChange("results", old, new), *changes]


def _store(trial: Trial, parsed: ParsedStudy) -> None:
    skip = ("groups", "measurements", "analyses")
    outcomes = insert_ordered(ResultOutcome, parsed.results, skip, trial=trial)
    groups = ResultGroup.objects.bulk_create(
        [
            build(ResultGroup, outcome=row, **fields_of(g))
            for row, data in zip(outcomes, parsed.results, strict=True)
            for g in data.groups
        ],
        batch_size=BATCH_SIZE,
    )
    by_code = {(g.outcome_id, g.code): g for g in groups}
    measurements, analyses = [], []
    for row, data in zip(outcomes, parsed.results, strict=True):
        measurements += _measurements(trial, row, data, by_code)
        analyses += [
            build(ResultAnalysis, outcome=row, order=n, **_analysis_fields(a))
            for n, a in enumerate(data.analyses)
        ]
    ResultMeasurement.objects.bulk_create(measurements, batch_size=BATCH_SIZE)
    ResultAnalysis.objects.bulk_create(analyses, batch_size=BATCH_SIZE)
    event_groups = AdverseEventGroup.objects.bulk_create(
        [build(AdverseEventGroup, trial=trial, **vars(g)) for g in parsed.adverse_event_groups],
        batch_size=BATCH_SIZE,
    )
    store_adverse_events(trial, parsed.adverse_events, event_groups)


def _measurements(trial: Trial, row: ResultOutcome, data, by_code: dict) -> list:
    """The outcome's measurements; one for a group the outcome does not define is dropped."""
    found = []
    for m in data.measurements:
        group = by_code.get((row.pk, m.group_code))
        if group is None:
            logger.warning(
                "%s: measurement for unknown group %r in %r skipped",
                trial.nct_id,
                m.group_code,
                data.title[:60],
            )
            continue
        found.append(
            build(ResultMeasurement, outcome=row, group=group, **fields_of(m, ("group_code",)))
        )
    return found


def _analysis_fields(analysis) -> dict:
    return {**fields_of(analysis), "group_codes": list(analysis.group_codes)}
