"""Stored studies whose record changed, written a page at a time in bulk.

The per-study upsert reads a changed trial, its locks and each relation, then writes
each part: some thirty queries a study. Here a page's changed trials come with their
locks and relations in a dozen queries, each study's differences are worked out in
Python by the functions the per-study path uses (`apply_fields`, `diff_relations`),
and the page is written with a statement or two per table. The caller wraps
`update_studies` in a savepoint and, if it fails, imports the same studies one by one
(`upsert_study`), so one bad study is refused alone and never leaves half a trial.

Posted results are still compared and written per study (`sync_results`): that costs
no query unless a study's results section changed, which is rare.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from trials.ctgov.bulk_write import (
    BATCH,
    insert_interventions,
    insert_links,
    refresh_search_vectors,
)
from trials.ctgov.parse import parse_study
from trials.ctgov.records import ParsedStudy
from trials.ctgov.relations import (
    FieldChange,
    PageOrganizations,
    RelationDiff,
    condition_rows,
    diff_relations,
    phase_rows,
    registry_owned,
)
from trials.ctgov.store_results import sync_results
from trials.ctgov.topic import off_topic_reason
from trials.ctgov.upsert import (
    PRECISE_DATES,
    TYPED_DATES,
    UNCHANGED,
    UPDATED,
    UpsertResult,
    applied,
    apply_fields,
    change_reason,
    change_rows,
    previous_record,
    stamp,
    upgrading,
)
from trials.models import (
    Arm,
    FieldLock,
    Intervention,
    OutcomeMeasure,
    Site,
    Trial,
    TrialChange,
    TrialIdentifier,
)

logger = logging.getLogger(__name__)

# What the comparison reads, loaded for the whole page.
PREFETCH = (
    "field_locks",
    "phases",
    "conditions",
    "collaborators",
    "identifiers",
    "sites",
    "arms",
    "interventions__arms",
    "outcome_measures",
)
# What every changed study stores (trials.ctgov.upsert.stamp): its own record ...
RECORD_FIELDS = ["raw_json", "raw_hash", "off_topic_reason"]
# ... and the same bookkeeping for the whole page, written by one UPDATE.
STAMP_FIELDS = ["last_imported_at", "last_checked_at", "missing_from_registry_since"]
REPLACED_ROWS = (
    ("identifiers", TrialIdentifier),
    ("sites", Site),
    ("outcome_measures", OutcomeMeasure),
    ("arms", Arm),
)


@dataclass
class ChangedStudy:
    parsed: ParsedStudy
    raw: dict
    trial: Trial
    old_raw: dict | None = None
    changes: list[FieldChange] = field(default_factory=list)
    locks: list[FieldLock] = field(default_factory=list)
    moved: bool = False  # a field moved: a full save and a history row
    columns: set[str] = field(default_factory=set)  # those that moved
    relations: RelationDiff = field(default_factory=RelationDiff)


def compare_page(
    items: list[tuple[str, dict, str]], now
) -> tuple[list[ChangedStudy], list[tuple[str, dict]], PageOrganizations]:
    """Parse the page's changed records, load their trials and work out every difference.

    Returns (studies to write in bulk, (NCT id, record) pairs to upsert one by one,
    the page's organizations); nothing is written.
    """
    trials = (
        Trial.objects.filter(nct_id__in=[nct_id for nct_id, _, _ in items])
        .select_related("lead_sponsor")
        .prefetch_related(*PREFETCH)
        .in_bulk(field_name="nct_id")
    )
    parsed, rest = [], []
    for nct_id, raw, digest in items:
        try:
            study = parse_study(raw)
        except Exception:  # the per-study path refuses it, with its message
            rest.append((nct_id, raw))
            continue
        if nct_id in trials and study.nct_id == nct_id:
            parsed.append((study, raw, digest, trials[nct_id]))
        else:
            rest.append((nct_id, raw))
    leads = [s.fields.get("lead_sponsor") for s, *_ in parsed]
    orgs = PageOrganizations(
        [o for o in leads if o] + [o for s, *_ in parsed for o in s.collaborators or ()]
    )
    ready = []
    for study, raw, digest, trial in parsed:
        try:
            ready.append(_compare(ChangedStudy(study, raw, trial), digest, orgs, now))
        except Exception:
            logger.exception("%s: bulk comparison failed; upserted alone", study.nct_id)
            rest.append((study.nct_id, raw))
    return ready, rest, orgs


def _compare(study: ChangedStudy, digest: str, orgs: PageOrganizations, now) -> ChangedStudy:
    """What `upsert_study` works out for a stored trial, on the loaded rows."""
    trial, parsed = study.trial, study.parsed
    study.old_raw = previous_record(trial)
    before = {name: getattr(trial, name) for name in _columns(parsed)}
    fields_moved, study.locks, filled = apply_fields(
        trial, parsed, False, now, upgrading(trial, study.old_raw), orgs
    )
    study.moved = filled or applied(fields_moved)
    study.columns = {name for name, old in before.items() if getattr(trial, name) != old}
    # Collaborators are stored (and filled in) even where the links stand, as one by one.
    orgs.rows_for(org.name for org in parsed.collaborators or ())
    stamp(trial, study.raw, digest, now, off_topic_reason(parsed, settings.CTGOV_TOPIC_TERMS))
    study.relations = diff_relations(trial, parsed)
    study.changes = fields_moved + study.relations.changes
    return study


def _columns(parsed: ParsedStudy) -> set[str]:
    """The columns the record's fields set (dates with their precision and type)."""
    names = set(parsed.fields)
    names |= {f"{n}_precision" for n in names if n in PRECISE_DATES}
    names |= {f"{n}_type" for n in names if n in TYPED_DATES}
    return names


def update_studies(
    studies: list[ChangedStudy], orgs: PageOrganizations, *, run, now, force: bool
) -> list[UpsertResult]:
    """Write the compared studies; the caller holds the transaction (a savepoint)."""
    orgs.save()
    _save_trials(studies, run, now)
    _write_links(studies, orgs)
    _write_rows([(s.trial, s.relations) for s in studies])
    for s in studies:  # no query unless the results section changed (or force)
        s.changes += sync_results(s.trial, s.parsed, s.old_raw, s.raw, force)
    _refresh_search([s.trial.pk for s in studies if applied(s.changes)])
    FieldLock.objects.bulk_update(
        [lock for s in studies for lock in s.locks],
        ["registry_value", "registry_value_seen_at"],
        batch_size=BATCH,
    )
    TrialChange.objects.bulk_create(
        [row for s in studies for row in change_rows(s.trial, run, s.changes)], batch_size=BATCH
    )
    return [
        UpsertResult(
            s.parsed.nct_id,
            UPDATED if applied(s.changes) else UNCHANGED,
            s.trial.pk,
            s.changes,
            s.parsed.warnings,
        )
        for s in studies
    ]


def _save_trials(studies: list[ChangedStudy], run, now) -> None:
    """A trial whose fields moved is saved with a history row; the others only store the
    record (no history row, no modification time), as `upsert_study` does.

    Only the columns that moved somewhere on the page are written, each study's own
    values in one CASE per column; the bookkeeping shared by the page in one UPDATE.
    """
    moved = [s.trial for s in studies if s.moved]
    modified = [f for f in Trial._meta.concrete_fields if getattr(f, "auto_now", False)]
    saved_at = timezone.now()
    for trial in moved:
        for f in modified:
            setattr(trial, f.attname, saved_at)
    if moved:
        columns = {name for s in studies if s.moved for name in s.columns}
        bulk_update_with_history(
            moved,
            Trial,
            sorted(columns.union(RECORD_FIELDS)),
            batch_size=BATCH,
            default_change_reason=change_reason(run),
        )
        Trial.objects.filter(pk__in=[t.pk for t in moved]).update(
            **{f.attname: saved_at for f in modified}
        )
    Trial.objects.bulk_update(
        [s.trial for s in studies if not s.moved], RECORD_FIELDS, batch_size=BATCH
    )
    Trial.objects.filter(pk__in=[s.trial.pk for s in studies]).update(
        last_imported_at=now, last_checked_at=now, missing_from_registry_since=None
    )


def _write_links(studies: list[ChangedStudy], orgs: PageOrganizations) -> None:
    """Phases, conditions and collaborators: the changed links swapped, three relations
    at a time. Condition rows are stored (and filled in) even where the links stand."""
    conditions = condition_rows([c for s in studies for c in s.parsed.conditions or ()])
    codes = [code for s in studies for code in s.relations.links.get("phases", ())]
    rows = {"phases": phase_rows(codes), "conditions": conditions, "collaborators": orgs}
    links = {}
    for name, by_key in rows.items():
        relation = getattr(Trial, name)
        changed = [s for s in studies if name in s.relations.links]
        if changed:
            own = relation.field.m2m_field_name()
            relation.through.objects.filter(
                **{f"{own}_id__in": [s.trial.pk for s in changed]}
            ).delete()
        links[relation] = [
            (s.trial.pk, by_key[key].pk)
            for s in changed
            for key in dict.fromkeys(s.relations.links[name])
        ]
    insert_links(links)


def _write_rows(diffs: list[tuple[Trial, RelationDiff]]) -> None:
    """The registry's rows of each kind that changed: one DELETE and one INSERT a kind."""
    for related, model in REPLACED_ROWS:
        changed = [(t, d.rows[related]) for t, d in diffs if related in d.rows]
        if not changed:
            continue
        registry_owned(model.objects.filter(trial__in=[t for t, _ in changed])).delete()
        rows = [row for _, wanted in changed for row in wanted]
        if model is Arm:  # the arms' history records them, as one by one
            bulk_create_with_history(rows, Arm, batch_size=BATCH)
        else:
            model.objects.bulk_create(rows, batch_size=BATCH)
    changed = [(t, d.interventions) for t, d in diffs if d.interventions is not None]
    if changed:
        trials = [t for t, _ in changed]
        Intervention.objects.filter(trial__in=trials).delete()
        arms = list(Arm.objects.filter(trial__in=trials))
        insert_interventions([item for _, items in changed for item in items], arms)


def _refresh_search(trial_ids: list[int]) -> None:
    """Rebuild the search text of trials whose record moved, from their stored relations."""
    if not trial_ids:
        return
    trials = list(
        Trial.objects.filter(pk__in=trial_ids)
        .select_related("lead_sponsor")
        .prefetch_related("conditions", "interventions", "identifiers", "collaborators")
        .defer("raw_json")
    )
    for trial in trials:
        trial.search_text = trial.build_search_text()
    Trial.objects.bulk_update(trials, ["search_text"], batch_size=BATCH)
    refresh_search_vectors(trial_ids)
