"""The one upsert layer: one ClinicalTrials.gov record into the database, atomically.

Keyed on the NCT id (a former id in `nctIdAliases`, or an editor's NCT_ALIAS
identifier, finds the same trial). Curation-safe:
- a locked field keeps the editor's value; the registry's value goes into the
  lock (`registry_value`) and into the change log with `applied=False`;
- curated arms, sites and identifiers (`record_source=curated`) are never
  changed or deleted, and a registry row duplicating one is not added;
- a curated trial keeps `record_source=curated`, its sources, verification,
  notes and state; evidence records live in another app and are never touched.
The raw record is stored on every trial the import touches; an unchanged record
(same hash) costs one query and writes nothing. A new study that fails the topic
guard (`trials.ctgov.topic`) is stored as a draft with the reason, whatever
IMPORT_PUBLISHES_TRIALS says.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from editorial.models import State
from trials.choices import IdentifierKind, RecordSource
from trials.ctgov.parse import ParseError, parse_study, raw_hash
from trials.ctgov.records import ParsedStudy
from trials.ctgov.relations import FieldChange, organizations, sync_relations
from trials.ctgov.schema import strip_nul
from trials.ctgov.store_results import sync_results
from trials.ctgov.topic import off_topic_reason
from trials.dates import PartialDate, format_partial_date
from trials.field_text import field_text as display
from trials.field_text import value_text as display_value
from trials.models import ImportRun, Trial, TrialChange

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
# Dates stored with their precision (a "_precision" field) ...
PRECISE_DATES = (
    "start_date",
    "primary_completion_date",
    "completion_date",
    "status_verified_date",
)
# ... and dates stored with the registry's date type (a "_type" field).
TYPED_DATES = (
    "start_date",
    "primary_completion_date",
    "completion_date",
    "first_posted",
    "last_update_posted",
    "results_first_posted",
    "results_first_submitted",
)
# Bookkeeping that changes with every registry edit; logging it would bury real changes.
UNLOGGED_FIELDS = {"last_update_posted", "status_verified_date"}


@dataclass
class UpsertResult:
    nct_id: str
    outcome: str
    trial_id: int | None = None
    changes: list[FieldChange] = field(default_factory=list)
    warnings: tuple[str, ...] = ()
    off_topic: str = ""  # why a new study was held back as a draft


def change_reason(run: ImportRun | None) -> str:
    return f"ClinicalTrials.gov import {run.pk}" if run else "ClinicalTrials.gov import"


def upsert_study(
    raw: dict,
    *,
    run: ImportRun | None = None,
    now: datetime | None = None,
    publish: bool = True,
    force: bool = False,
    dry_run: bool = False,
) -> UpsertResult:
    """Create or update the trial for one API record; raise ParseError/DatabaseError on failure.

    Everything happens in one transaction, so a failure leaves no partial trial.
    A dry run does the same work and rolls it back, so it reports exact changes.
    """
    parsed = parse_study(raw)
    raw, _ = strip_nul(raw)  # parse_study has warned about any
    now = now or timezone.now()
    off_topic = off_topic_reason(parsed, settings.CTGOV_TOPIC_TERMS)
    with transaction.atomic():
        result = _upsert(parsed, raw, run, now, publish, force, off_topic)
        if dry_run:
            transaction.set_rollback(True)
    return result


def find_trial(nct_id: str, aliases: tuple[str, ...] = ()) -> Trial | None:
    """The trial a record belongs to: by NCT id, by a former id, or by an alias identifier."""
    trials = Trial.objects.select_related("lead_sponsor")
    found = trials.filter(nct_id=nct_id).first()
    if found is None and aliases:
        found = trials.filter(nct_id__in=aliases).first()
    if found is None:
        found = trials.filter(
            identifiers__kind=IdentifierKind.NCT_ALIAS, identifiers__value__in=[nct_id, *aliases]
        ).first()
    return found


def _upsert(
    parsed: ParsedStudy, raw: dict, run, now, publish: bool, force: bool, off_topic: str
) -> UpsertResult:
    digest = raw_hash(raw)
    trial = find_trial(parsed.nct_id, parsed.aliases)
    if trial is not None and trial.raw_hash == digest and not force:
        # Found, so not missing: a full run flags what it did not stamp.
        Trial.objects.filter(pk=trial.pk).update(
            last_checked_at=now, missing_from_registry_since=None
        )
        return UpsertResult(parsed.nct_id, UNCHANGED, trial.pk, warnings=parsed.warnings)
    created = trial is None
    if created:
        trial = _new_trial(parsed, now, publish, off_topic)
    old_raw = None if created else previous_record(trial)
    changes, locks_seen, filled = apply_fields(
        trial, parsed, created, now, upgrading(trial, old_raw)
    )
    if trial.nct_id != parsed.nct_id:
        # Found under a former id: the registry's canonical id takes over.
        changes.append(FieldChange("nct_id", trial.nct_id or "", parsed.nct_id))
        trial.nct_id = parsed.nct_id
    _save(trial, raw, digest, now, off_topic, run, created or filled or applied(changes))
    changes += sync_relations(trial, parsed)
    changes += sync_results(trial, parsed, old_raw, raw, force)
    if created or applied(changes):
        trial.refresh_search()
    if locks_seen:
        type(locks_seen[0]).objects.bulk_update(
            locks_seen, ["registry_value", "registry_value_seen_at"]
        )
    if created:
        held = off_topic if trial.state == State.DRAFT else ""
        return UpsertResult(
            parsed.nct_id, CREATED, trial.pk, warnings=parsed.warnings, off_topic=held
        )
    _log_changes(trial, run, changes)
    outcome = UPDATED if applied(changes) else UNCHANGED
    return UpsertResult(parsed.nct_id, outcome, trial.pk, changes, parsed.warnings)


def applied(changes: list[FieldChange]) -> bool:
    return any(c.applied for c in changes)


def previous_record(trial: Trial) -> dict | None:
    """The stored record, trusted only if this parser version stored it: results are
    rewritten only when their part of the record changed."""
    if trial.raw_hash and trial.raw_hash == raw_hash(trial.raw_json):
        return trial.raw_json
    return None


def upgrading(trial: Trial, old_raw: dict | None) -> bool:
    """Stored by an older parser (its record untrusted): fields it did not read are filled
    in without a change entry."""
    return bool(trial.raw_hash) and old_raw is None


def _new_trial(parsed: ParsedStudy, now, publish: bool, off_topic: str) -> Trial:
    if not parsed.fields.get("brief_title"):
        raise ParseError(f"{parsed.nct_id}: no briefTitle; a new trial needs a title")
    trial = Trial(nct_id=parsed.nct_id, record_source=RecordSource.REGISTRY)
    if publish and not off_topic:
        trial.mark_published(when=now)
    else:
        trial.state = State.DRAFT
    return trial


def _save(trial: Trial, raw: dict, digest: str, now, off_topic: str, run, fields_moved: bool):
    """Store the record on the trial: a full save (and history row) only if a field moved."""
    stamp(trial, raw, digest, now, off_topic)
    if fields_moved:
        trial._change_reason = change_reason(run)
        trial.save()
        return
    # Only the raw record moved: no history row, no updated_at bump.
    Trial.objects.filter(pk=trial.pk).update(
        raw_json=raw,
        raw_hash=digest,
        last_imported_at=now,
        last_checked_at=now,
        missing_from_registry_since=None,
        off_topic_reason=off_topic,
    )


def stamp(trial: Trial, raw: dict, digest: str, now, off_topic: str) -> None:
    """Put the record and the import's bookkeeping on the trial (unsaved)."""
    trial.raw_json, trial.raw_hash = raw, digest
    trial.last_imported_at = trial.last_checked_at = now
    trial.missing_from_registry_since = None
    trial.off_topic_reason = off_topic


def change_rows(trial: Trial, run, changes: list[FieldChange]) -> list[TrialChange]:
    """The change log's rows for one trial (significant ones put it in the review queue)."""
    return [
        TrialChange(
            trial=trial,
            run=run,
            field=c.field,
            old_value=c.old,
            new_value=c.new,
            applied=c.applied,
            significant=c.field in Trial.SIGNIFICANT_FIELDS,
        )
        for c in changes
    ]


def _log_changes(trial: Trial, run, changes: list[FieldChange]) -> None:
    TrialChange.objects.bulk_create(change_rows(trial, run, changes))


def apply_fields(trial: Trial, parsed: ParsedStudy, created: bool, now, upgrading=False, orgs=None):
    """Set the registry's scalar fields, honouring locks (prefetched ones are read as such);
    a lead sponsor comes from `orgs` (trials.ctgov.relations.PageOrganizations) if given.

    Returns (changes, locks to save, whether a field was filled in without a change entry).
    """
    locks = {} if created else {lock.field: lock for lock in trial.field_locks.all()}
    changes: list[FieldChange] = []
    locks_seen = []
    filled = False
    for name, value in parsed.fields.items():
        old_text, new_text = display(trial, name), display_value(value)
        if lock := locks.get(name):
            if lock.registry_value != new_text or lock.registry_value_seen_at is None:
                lock.registry_value, lock.registry_value_seen_at = new_text, now
                locks_seen.append(lock)
                if old_text != new_text:
                    changes.append(FieldChange(name, old_text, new_text, applied=False))
            continue
        if old_text == new_text:
            continue
        assign(trial, name, value, orgs)
        if upgrading and _only_newly_read(trial, name, old_text, value):
            filled = True
            continue
        if name not in UNLOGGED_FIELDS:
            changes.append(FieldChange(name, old_text, new_text))
    return ([] if created else changes), locks_seen, filled


def _only_newly_read(trial: Trial, name: str, old_text: str, value: Any) -> bool:
    """True when a parser upgrade only adds what the old parser did not read (a date's
    type, a field it ignored): that is no registry change, so it is not logged."""
    if not old_text:
        return True
    if isinstance(value, PartialDate):
        return old_text == format_partial_date(value.date, value.precision)
    return False


def assign(trial: Trial, name: str, value: Any, orgs=None) -> None:
    """Set one parsed field on the trial (a date with its precision and type)."""
    if name == "lead_sponsor":
        if value is None:
            trial.lead_sponsor = None
        else:
            trial.lead_sponsor = (organizations([value]) if orgs is None else orgs)[value.name]
    elif isinstance(value, PartialDate):
        setattr(trial, name, value.date)
        if name in PRECISE_DATES:
            setattr(trial, f"{name}_precision", value.precision)
        if name in TYPED_DATES:
            setattr(trial, f"{name}_type", value.type)
    else:
        setattr(trial, name, value)
