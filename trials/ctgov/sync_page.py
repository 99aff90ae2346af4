"""Writing one page of studies: unchanged ones stamped in one UPDATE, new ones created in
bulk, changed ones (and any the bulk path cannot take) upserted one by one, each in a
savepoint so a bad study is refused alone and leaves no half trial.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import DatabaseError, transaction

from trials.ctgov.bulk_create import create_studies, known_aliases, prepare
from trials.ctgov.parse import ParseError, raw_hash, study_nct_id
from trials.ctgov.refusals import refuse
from trials.ctgov.schema import strip_nul
from trials.ctgov.upsert import CREATED, UNCHANGED, UPDATED, upsert_study
from trials.models import Trial

logger = logging.getLogger(__name__)


def import_page(studies: Iterable[dict], options, summary, run, now, seen) -> None:
    known = _stored_hashes(studies)
    unchanged_ids, changed, new = [], [], []
    for raw in studies:
        raw, removed = strip_nul(raw)  # so the hash compares with the stored, cleaned record
        try:
            nct_id = study_nct_id(raw)
        except ParseError as exc:
            refuse(summary, "", f"study without a usable NCT id refused: {exc}")
            continue
        if removed:
            summary.log.append(f"{nct_id}: {removed} NUL character(s) removed from the record")
            logger.warning("%s: %s NUL character(s) removed from the record", nct_id, removed)
        if nct_id in seen:
            summary.log.append(f"{nct_id}: appeared again in this run; imported once")
            continue
        seen.add(nct_id)
        summary.fetched += 1
        if not options.force and known.get(nct_id) == raw_hash(raw):
            summary.unchanged += 1
            unchanged_ids.append(nct_id)
        elif nct_id in known or options.dry_run:
            changed.append((nct_id, raw))
        else:
            new.append((nct_id, raw))
    if changed or new:
        # One transaction per page (a savepoint per study inside): far fewer commits.
        with transaction.atomic():
            changed += _create_new(new, summary, run, now) if new else []
            for nct_id, raw in changed:
                _upsert_one(nct_id, raw, options, summary, run, now)
    summary.imported.update(unchanged_ids)
    if unchanged_ids and not options.dry_run:
        # Seen again but unchanged: one UPDATE for the page, no history, no change log.
        Trial.objects.filter(nct_id__in=unchanged_ids).update(
            last_checked_at=now, missing_from_registry_since=None
        )


def _create_new(new: list[tuple[str, dict]], summary, run, now) -> list:
    """Create the page's new studies in bulk; return those to import one by one instead."""
    prepared, rest, by_id = [], [], dict(new)
    for nct_id, raw in new:
        try:
            prepared.append(prepare(raw))
        except Exception:  # the per-study path refuses it, with its message
            rest.append((nct_id, raw))
    # A former id or an alias identifier may point at a stored trial: upsert those alone.
    aliased = known_aliases(prepared)
    bulk = [s for s in prepared if s.parsed.nct_id not in aliased]
    rest += [
        (s.parsed.nct_id, by_id[s.parsed.nct_id]) for s in prepared if s.parsed.nct_id in aliased
    ]
    if not bulk:
        return rest
    try:
        with transaction.atomic():
            results = create_studies(
                bulk, run=run, now=now, publish=settings.IMPORT_PUBLISHES_TRIALS
            )
    except (DatabaseError, ValueError) as exc:
        # Somewhere in the page is a study the database refuses: find it one at a time.
        summary.log.append(f"bulk create of {len(bulk)} studies failed ({exc}); one by one")
        return new
    for result in results:
        _count(summary, result)
    return rest


def _upsert_one(nct_id: str, raw: dict, options, summary, run, now) -> None:
    try:
        result = upsert_study(
            raw,
            run=run,
            now=now,
            publish=settings.IMPORT_PUBLISHES_TRIALS,
            force=options.force,
            dry_run=options.dry_run,
        )
    except Exception as exc:  # one bad study must not stop the others
        if not isinstance(exc, ParseError | DatabaseError | ValueError):
            logger.exception("%s: import failed", nct_id)
        message = str(exc) if str(exc).startswith(nct_id) else f"{nct_id}: {exc}"
        refuse(summary, nct_id, message)
        return
    _count(summary, result)


def _count(summary, result) -> None:
    """Add one imported study's outcome, warnings and changes to the summary."""
    nct_id = result.nct_id
    summary.imported.add(nct_id)
    if result.off_topic:
        summary.off_topic += 1
        summary.log.append(f"{nct_id}: kept as a draft: {result.off_topic}")
    summary.log += list(result.warnings)
    for warning in result.warnings:
        logger.warning(warning)
    counter = {CREATED: "created", UPDATED: "updated", UNCHANGED: "unchanged"}[result.outcome]
    setattr(summary, counter, getattr(summary, counter) + 1)
    summary.changes += [(nct_id, change) for change in result.changes]


def _stored_hashes(studies: Iterable[dict]) -> dict[str, str]:
    ids = []
    for raw in studies:
        try:
            ids.append(study_nct_id(raw))
        except ParseError:
            continue
    return dict(Trial.objects.filter(nct_id__in=ids).values_list("nct_id", "raw_hash"))
