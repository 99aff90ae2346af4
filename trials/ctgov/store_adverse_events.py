"""Store every adverse-event term of a record with its counts per event group, in bulk.

Called by store_results inside the study's transaction, after the event groups (the
totals rows) are created, so each count links its group by the registry's code.
"""

import logging

from trials.ctgov.parse_adverse_events import AdverseEventsData
from trials.ctgov.rows import BATCH_SIZE, build, fields_of, insert_ordered
from trials.models import (
    AdverseEvent,
    AdverseEventCount,
    AdverseEventGroup,
    AdverseEventReport,
    Trial,
)

logger = logging.getLogger(__name__)


def clear_adverse_events(trial: Trial) -> None:
    """Remove the stored terms and the module facts (counts go with their terms)."""
    AdverseEventCount.objects.filter(event__trial=trial).delete()
    AdverseEvent.objects.filter(trial=trial).delete()
    AdverseEventReport.objects.filter(trial=trial).delete()


def store_adverse_events(
    trial: Trial, data: AdverseEventsData | None, groups: list[AdverseEventGroup]
) -> None:
    if data is None:
        return
    build(AdverseEventReport, trial=trial, **fields_of(data, ("events",))).save()
    events = insert_ordered(AdverseEvent, data.events, ("counts",), trial=trial)
    by_code = {g.code: g for g in groups}
    counts = []
    for row, event in zip(events, data.events, strict=True):
        for c in event.counts:
            group = by_code.get(c.group_code)
            if group is None:
                # Kept with its code: the count is the registry's, even if the group is not.
                logger.warning(
                    "%s: adverse event %r counted for unknown group %r",
                    trial.nct_id,
                    event.term,
                    c.group_code,
                )
            counts.append(build(AdverseEventCount, event=row, group=group, **vars(c)))
    AdverseEventCount.objects.bulk_create(counts, batch_size=BATCH_SIZE)
