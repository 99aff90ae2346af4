"""Store the adverse-event terms of trials imported before terms were stored.

The import replaces results only when a record's results change, so without this an
unchanged trial would show its totals but never its terms. The terms are parsed from the raw
registry JSON every trial keeps; a record whose terms cannot be parsed is left for the next
import to report.
"""

from django.db import migrations

from trials.ctgov.parse_adverse_events import adverse_events
from trials.ctgov.records import ParseError

BATCH_SIZE = 500


def _store(apps, trial, data) -> None:
    Report = apps.get_model("trials", "AdverseEventReport")
    Event = apps.get_model("trials", "AdverseEvent")
    Count = apps.get_model("trials", "AdverseEventCount")
    Group = apps.get_model("trials", "AdverseEventGroup")
    Report.objects.create(
        trial=trial,
        frequency_threshold_raw=data.frequency_threshold_raw[:50],
        frequency_threshold=data.frequency_threshold,
        time_frame=data.time_frame,
        description=data.description,
        all_cause_mortality_comment=data.all_cause_mortality_comment,
    )
    events = Event.objects.bulk_create(
        [
            Event(
                trial=trial,
                order=order,
                seriousness=e.seriousness,
                term=e.term[:500],
                organ_system=e.organ_system[:200],
                source_vocabulary=e.source_vocabulary[:100],
                assessment_type=e.assessment_type[:50],
                notes=e.notes,
            )
            for order, e in enumerate(data.events)
        ],
        batch_size=BATCH_SIZE,
    )
    groups = {g.code: g for g in Group.objects.filter(trial=trial)}
    Count.objects.bulk_create(
        [
            Count(event=row, group=groups.get(c.group_code), **vars(c))
            for row, e in zip(events, data.events, strict=True)
            for c in e.counts
        ],
        batch_size=BATCH_SIZE,
    )


def backfill(apps, schema_editor):
    Trial = apps.get_model("trials", "Trial")
    Report = apps.get_model("trials", "AdverseEventReport")
    done = set(Report.objects.values_list("trial_id", flat=True))
    for trial in Trial.objects.exclude(pk__in=done).filter(has_results=True).iterator():
        raw = trial.raw_json if isinstance(trial.raw_json, dict) else {}
        module = (raw.get("resultsSection") or {}).get("adverseEventsModule")
        try:
            data = adverse_events(module, trial.nct_id or str(trial.pk))
        except ParseError:
            continue
        if data is not None:
            _store(apps, trial, data)


class Migration(migrations.Migration):
    dependencies = [("trials", "0009_adverse_event_terms")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
