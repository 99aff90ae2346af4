"""Writing one page of studies: unchanged ones stamped in one UPDATE, new ones created in
bulk, changed ones updated in bulk, and any the bulk paths cannot take upserted one by
one, each in a savepoint so a bad study is refused alone and leaves no half trial.
"""

import logging
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, transaction

from trials.ctgov.bulk_create import create_studies, known_aliases, prepare
from trials.ctgov.bulk_update import compare_page, update_studies
from trials.ctgov.parse import ParseError, raw_json_text, raw_text_hash, study_nct_id
from trials.ctgov.refusals import refuse
from trials.ctgov.schema import strip_nul
from trials.ctgov.upsert import CREATED, UNCHANGED, UPDATED, upsert_study
from trials.models import Trial
from trials.signals import batched_facets

logger = logging.getLogger(__name__)


@dataclass
class SortedPage:
    """A page's studies by what must be written for them."""

    unchanged: list[str] = field(default_factory=list)
    changed: list[tuple[str, dict, str]] = field(default_factory=list)  # with the hash
    new: list[tuple[str, dict, str]] = field(default_factory=list)


def import_page(studies: Iterable[dict], options, summary, run, now, seen) -> None:
    """Write one page; its trials' facet rows are refreshed once, in bulk, at its end."""
    page = sort_page(studies, options, summary, seen)
    if page.changed or page.new:
        # One transaction per page (a savepoint per bulk write and per study upserted
        # alone inside): far fewer commits.
        with transaction.atomic(), _facet_batch(options.dry_run) as touched:
            rest = _create_new(page.new, summary, run, now, touched) if page.new else []
            if page.changed:
                rest = _update_changed(page.changed, options, summary, run, now, touched) + rest
            for nct_id, raw in rest:
                _upsert_one(nct_id, raw, options, summary, run, now, touched)
    summary.imported.update(page.unchanged)
    if page.unchanged and not options.dry_run:
        # Seen again but unchanged: one UPDATE for the page, no history, no change log.
        Trial.objects.filter(nct_id__in=page.unchanged).update(
            last_checked_at=now, missing_from_registry_since=None
        )


def sort_page(studies: Iterable[dict], options, summary, seen) -> SortedPage:
    """Sort a page into unchanged, changed and new studies with one query (stored hashes)."""
    page, cleaned = SortedPage(), []
    for raw in studies:
        if (found := _checked(raw, summary, seen)) is not None:
            cleaned.append(found)
    ids = [nct_id for nct_id, _, _ in cleaned]
    known = dict(Trial.objects.filter(nct_id__in=ids).values_list("nct_id", "raw_hash"))
    for nct_id, raw, digest in cleaned:
        if not options.force and known.get(nct_id) == digest:
            summary.unchanged += 1
            page.unchanged.append(nct_id)
        elif nct_id in known or options.dry_run:
            page.changed.append((nct_id, raw, digest))
        else:
            page.new.append((nct_id, raw, digest))
    return page


def _checked(raw, summary, seen) -> tuple[str, dict, str] | None:
    """(NCT id, record without NUL characters, its hash), or None if refused or seen."""
    # One canonical dump serves both the NUL check and the hash: on an unchanged
    # page that dump is most of the work.
    text, removed = raw_json_text(raw), 0
    if "\\u0000" in text:
        raw, removed = strip_nul(raw)
        text = raw_json_text(raw)
    try:
        nct_id = study_nct_id(raw)
    except ParseError as exc:
        refuse(summary, "", f"study without a usable NCT id refused: {exc}")
        return None
    if removed:
        summary.log.append(f"{nct_id}: {removed} NUL character(s) removed from the record")
        logger.warning("%s: %s NUL character(s) removed from the record", nct_id, removed)
    if nct_id in seen:
        summary.log.append(f"{nct_id}: appeared again in this run; imported once")
        return None
    seen.add(nct_id)
    summary.fetched += 1
    return nct_id, raw, raw_text_hash(text)


def _facet_batch(dry_run: bool):
    # A dry run rolls its writes back, so it must not refresh facet rows outside them.
    return nullcontext(set()) if dry_run else batched_facets()


def _create_new(new: list[tuple[str, dict, str]], summary, run, now, touched: set[int]) -> list:
    """Create the page's new studies in bulk; return those to import one by one instead."""
    prepared, rest, by_id = [], [], {nct_id: raw for nct_id, raw, _ in new}
    for nct_id, raw, digest in new:
        try:
            prepared.append(prepare(raw, digest))
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
        return list(by_id.items())
    for result in results:
        _count(summary, result)
        touched.add(result.trial_id)  # bulk inserts send no signals
    return rest


def _update_changed(changed: list, options, summary, run, now, touched: set[int]) -> list:
    """Update the page's changed studies in bulk; return those to import one by one instead."""
    pairs = [(nct_id, raw) for nct_id, raw, _ in changed]
    if options.dry_run:  # the per-study path rolls each back and reports exact changes
        return pairs
    studies, rest, orgs = compare_page(changed, now)
    if not studies:
        return rest
    try:
        with transaction.atomic():
            results = update_studies(studies, orgs, run=run, now=now, force=options.force)
    except Exception as exc:  # a study the database refuses, or a bug: one at a time
        if not isinstance(exc, DatabaseError | ValueError):
            logger.exception("bulk update of %s studies failed", len(studies))
        summary.log.append(f"bulk update of {len(studies)} studies failed ({exc}); one by one")
        return pairs
    for result in results:
        _count(summary, result)
        if result.outcome != UNCHANGED:  # bulk writes send no signals
            touched.add(result.trial_id)
    return rest


def _upsert_one(nct_id: str, raw: dict, options, summary, run, now, touched: set[int]) -> None:
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
    if result.outcome != UNCHANGED:  # some of its rows went in by bulk_create, unsignalled
        touched.add(result.trial_id)


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
