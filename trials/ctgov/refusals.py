"""Refused studies: recorded per run with their error, fetched again by later runs.

A study that cannot be imported is refused alone, so it never holds back the
checkpoint for the others; `RefusedStudy` keeps it until a later run imports it.
`summary` is the run's `trials.ctgov.sync.RunSummary`.
"""

import logging
from collections.abc import Iterator
from datetime import datetime

from trials.ctgov.client import CtgovClient, CtgovNotFound, Page
from trials.models import ImportRun, RefusedStudy

logger = logging.getLogger("trials.ctgov.sync")


def record_refusals(run: ImportRun, summary, now: datetime) -> None:
    """Keep this run's refused studies to retry; close earlier refusals of imported ones."""
    RefusedStudy.objects.bulk_create(
        RefusedStudy(run=run, nct_id=nct_id, error=error, refused_at=now)
        for nct_id, error in summary.refusals
    )
    if summary.imported:
        RefusedStudy.objects.unresolved().filter(nct_id__in=summary.imported).update(
            resolved_at=now
        )


def retries(client: CtgovClient, summary, seen: set[str]) -> Iterator[Page]:
    """Studies refused by earlier runs and not in this run's pages, fetched again by id."""
    for nct_id in RefusedStudy.objects.pending_nct_ids():
        if nct_id in seen:
            continue
        summary.log.append(f"{nct_id}: refused by an earlier run; trying again")
        try:
            found = client.get_study(nct_id)
        except CtgovNotFound:
            refuse(summary, nct_id, f"{nct_id}: not found in ClinicalTrials.gov (HTTP 404)")
            continue
        yield Page(f"retry {nct_id}", [found], None, None)


def refuse(summary, nct_id: str, error: str) -> None:
    """Count and log one refused study; it is recorded when the run ends."""
    summary.refused += 1
    summary.refusals.append((nct_id, error))
    summary.log.append(f"refused: {error}")
    logger.warning("refused: %s", error)
