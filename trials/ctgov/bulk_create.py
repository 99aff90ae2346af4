"""Studies new to the database, written a page at a time in bulk.

A new study has nothing stored to compare with, no locks and no curated rows, so
the per-study upsert's reads are all empty: here a page's new trials, their
history, relations and search text go in with a few statements per page instead
of some fifty per study. The caller wraps `create_studies` in a savepoint and, if
it fails, imports the same studies one by one (`upsert_study`), so one bad study
is refused alone and never leaves half a trial.
"""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import connection
from simple_history.utils import bulk_create_with_history

from editorial.models import State
from trials.choices import IdentifierKind, RecordSource
from trials.ctgov.parse import ParseError, parse_study, raw_hash
from trials.ctgov.records import ParsedStudy
from trials.ctgov.relations import UNKNOWN_PHASE_ORDER, _dose_fields, build
from trials.ctgov.schema import strip_nul
from trials.ctgov.store_results import sync_results
from trials.ctgov.topic import off_topic_reason
from trials.ctgov.upsert import CREATED, UpsertResult, _assign, change_reason
from trials.models import (
    Arm,
    Condition,
    Intervention,
    Organization,
    OutcomeMeasure,
    Phase,
    Site,
    Trial,
    TrialIdentifier,
)

BATCH = 500


@dataclass
class NewStudy:
    parsed: ParsedStudy
    raw: dict
    digest: str
    off_topic: str
    trial: Trial | None = None


def prepare(raw: dict) -> NewStudy:
    """Parse one new record; ParseError (refuse it alone) if it cannot be created."""
    parsed = parse_study(raw)
    raw, _ = strip_nul(raw)
    if not parsed.fields.get("brief_title"):
        raise ParseError(f"{parsed.nct_id}: no briefTitle; a new trial needs a title")
    return NewStudy(
        parsed, raw, raw_hash(raw), off_topic_reason(parsed, settings.CTGOV_TOPIC_TERMS)
    )


def known_aliases(studies: list[NewStudy]) -> set[str]:
    """NCT ids of studies whose former ids or alias identifiers match a stored trial."""
    names = {a: s.parsed.nct_id for s in studies for a in s.parsed.aliases}
    names |= {s.parsed.nct_id: s.parsed.nct_id for s in studies}
    hits = set(Trial.objects.filter(nct_id__in=list(names)).values_list("nct_id", flat=True))
    hits |= set(
        TrialIdentifier.objects.filter(
            kind=IdentifierKind.NCT_ALIAS, value__in=list(names)
        ).values_list("value", flat=True)
    )
    return {names[name] for name in hits}


def create_studies(studies: list[NewStudy], *, run, now, publish: bool) -> list[UpsertResult]:
    """Create every study's trial with its relations; the caller holds the transaction."""
    orgs = _organizations(studies)
    for study in studies:
        study.trial = _trial(study, orgs, now, publish)
    trials = [s.trial for s in studies]
    bulk_create_with_history(
        trials, Trial, batch_size=BATCH, default_change_reason=change_reason(run), default_date=now
    )
    if trials and trials[0].pk is None:  # databases that do not return ids from bulk inserts
        ids = dict(
            Trial.objects.filter(nct_id__in=[t.nct_id for t in trials]).values_list("nct_id", "pk")
        )
        for trial in trials:
            trial.pk = ids[trial.nct_id]
    _relations(studies, orgs, run, now)
    for study in studies:
        if study.raw.get("resultsSection"):  # rare; stored by the one results writer
            sync_results(study.trial, study.parsed, None, study.raw, False)
    refresh_search_bulk([t.pk for t in trials])
    return [
        UpsertResult(
            s.parsed.nct_id,
            CREATED,
            s.trial.pk,
            warnings=s.parsed.warnings,
            off_topic=s.off_topic if s.trial.state == State.DRAFT else "",
        )
        for s in studies
    ]


def _trial(study: NewStudy, orgs: dict, now, publish: bool) -> Trial:
    parsed = study.parsed
    trial = Trial(
        nct_id=parsed.nct_id, slug=parsed.nct_id.lower(), record_source=RecordSource.REGISTRY
    )
    if publish and not study.off_topic:
        trial.mark_published(when=now)
    else:
        trial.state = State.DRAFT
    for name, value in parsed.fields.items():
        if name == "lead_sponsor":
            trial.lead_sponsor = orgs[value.name] if value else None
        else:
            _assign(trial, name, value)
    trial.raw_json, trial.raw_hash = study.raw, study.digest
    trial.last_imported_at = trial.last_checked_at = now
    trial.off_topic_reason = study.off_topic
    return trial


def _organizations(studies: list[NewStudy]) -> dict[str, Organization]:
    """Every lead sponsor and collaborator of the page, created where missing."""
    wanted = {}
    for s in studies:
        lead = s.parsed.fields.get("lead_sponsor")
        for org in ([lead] if lead else []) + list(s.parsed.collaborators or ()):
            if org.agency_class or org.name not in wanted:
                wanted[org.name] = org
    rows = {o.name: o for o in Organization.objects.filter(name__in=list(wanted))}
    missing = [
        build(Organization, name=o.name, agency_class=o.agency_class)
        for o in wanted.values()
        if o.name not in rows
    ]
    Organization.objects.bulk_create(missing, batch_size=BATCH)
    stale = []
    for org in wanted.values():
        row = rows.get(org.name)
        if row is not None and org.agency_class and row.agency_class != org.agency_class:
            row.agency_class = org.agency_class
            stale.append(row)
    Organization.objects.bulk_update(stale, ["agency_class"], batch_size=BATCH)
    return {o.name: o for o in Organization.objects.filter(name__in=list(wanted))}


def _conditions(studies: list[NewStudy]) -> dict[str, Condition]:
    wanted = {c.name: c for s in studies for c in s.parsed.conditions or ()}
    rows = {c.name: c for c in Condition.objects.filter(name__in=list(wanted))}
    Condition.objects.bulk_create(
        [
            build(Condition, name=c.name, mesh_term=c.mesh_term, mesh_id=c.mesh_id)
            for c in wanted.values()
            if c.name not in rows
        ],
        batch_size=BATCH,
    )
    # Editors' MeSH choices win; the registry only fills a blank.
    blank = [r for r in rows.values() if not r.mesh_term and wanted[r.name].mesh_term]
    for row in blank:
        row.mesh_term, row.mesh_id = wanted[row.name].mesh_term, wanted[row.name].mesh_id
    Condition.objects.bulk_update(blank, ["mesh_term", "mesh_id"], batch_size=BATCH)
    return {c.name: c for c in Condition.objects.filter(name__in=list(wanted))}


def _phases(studies: list[NewStudy]) -> dict[str, Phase]:
    codes = {code for s in studies for code in s.parsed.phases or ()}
    rows = {p.code: p for p in Phase.objects.filter(code__in=codes)}
    for code in codes - set(rows):  # a new registry vocabulary word; the parser warned
        rows[code] = build(Phase, code=code, label=code, order=UNKNOWN_PHASE_ORDER)
        rows[code].save()
    return rows


def _relations(studies: list[NewStudy], orgs: dict, run, now) -> None:
    phases, conditions = _phases(studies), _conditions(studies)
    links = {"phases": [], "conditions": [], "collaborators": []}
    rows = {"identifiers": [], "sites": [], "outcomes": [], "arms": []}
    for s in studies:
        p, t = s.parsed, s.trial
        through = Trial.phases.through
        links["phases"] += [through(trial_id=t.pk, phase_id=phases[c].pk) for c in p.phases or ()]
        through = Trial.conditions.through
        links["conditions"] += [
            through(trial_id=t.pk, condition_id=conditions[c.name].pk) for c in p.conditions or ()
        ]
        through = Trial.collaborators.through
        links["collaborators"] += [
            through(trial_id=t.pk, organization_id=orgs[o.name].pk) for o in p.collaborators or ()
        ]
        rows["identifiers"] += [
            build(
                TrialIdentifier,
                trial=t,
                kind=i.kind,
                value=i.value,
                description=i.description,
                record_source=RecordSource.REGISTRY,
            )
            for i in p.identifiers or ()
        ]
        rows["sites"] += [
            build(Site, trial=t, record_source=RecordSource.REGISTRY, **asdict(d))
            for d in p.sites or ()
        ]
        rows["outcomes"] += [
            build(
                OutcomeMeasure,
                trial=t,
                order=order,
                kind=o.kind,
                measure=o.measure,
                description=o.description,
                time_frame=o.time_frame,
            )
            for order, o in enumerate(p.outcomes or ())
        ]
        rows["arms"] += _arms(s)
    for name, model in (("phases", Trial.phases), ("conditions", Trial.conditions)):
        model.through.objects.bulk_create(links[name], batch_size=BATCH, ignore_conflicts=True)
    Trial.collaborators.through.objects.bulk_create(
        links["collaborators"], batch_size=BATCH, ignore_conflicts=True
    )
    TrialIdentifier.objects.bulk_create(rows["identifiers"], batch_size=BATCH)
    Site.objects.bulk_create(rows["sites"], batch_size=BATCH)
    OutcomeMeasure.objects.bulk_create(rows["outcomes"], batch_size=BATCH)
    arms = bulk_create_with_history(
        rows["arms"],
        Arm,
        batch_size=BATCH,
        default_change_reason=change_reason(run),
        default_date=now,
    )
    _interventions(studies, arms)


def _arms(study: NewStudy) -> list[Arm]:
    return [
        build(
            Arm,
            trial=study.trial,
            order=order,
            label=a.label,
            arm_type=a.arm_type,
            description=a.description,
            **_dose_fields(a.dose),
            record_source=RecordSource.REGISTRY,
        )
        for order, a in enumerate(study.parsed.arms or ())
    ]


def _interventions(studies: list[NewStudy], arms: list[Arm]) -> None:
    if arms and arms[0].pk is None:
        arms = list(Arm.objects.filter(trial__in=[s.trial for s in studies]))
    by_label = {(a.trial_id, a.label.casefold()): a for a in arms}
    items, labels = [], []
    for s in studies:
        for i in s.parsed.interventions or ():
            items.append(
                build(
                    Intervention,
                    trial=s.trial,
                    name=i.name,
                    intervention_type=i.intervention_type,
                    description=i.description,
                    other_names=list(i.other_names),
                )
            )
            labels.append([(s.trial.pk, label.casefold()) for label in i.arm_labels])
    Intervention.objects.bulk_create(items, batch_size=BATCH)
    if items and items[0].pk is None:
        stored = list(
            Intervention.objects.filter(trial__in=[s.trial for s in studies]).order_by("pk")
        )
        for item, row in zip(items, stored, strict=True):
            item.pk = row.pk
    through = Intervention.arms.through
    Intervention.arms.through.objects.bulk_create(
        [
            through(intervention_id=item.pk, arm_id=by_label[key].pk)
            for item, keys in zip(items, labels, strict=True)
            for key in dict.fromkeys(keys)
            if key in by_label
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def refresh_search_bulk(ids: list[int]) -> None:
    """Trial.refresh_search for many trials: a few queries, not a few per trial."""
    trials = list(
        Trial.objects.filter(pk__in=ids)
        .select_related("lead_sponsor")
        .prefetch_related("conditions", "interventions", "identifiers", "collaborators")
        .only("pk", "nct_id", "acronym", "brief_title", "official_title", "summary", "lead_sponsor")
    )
    for trial in trials:
        trial.search_text = trial.build_search_text()
    Trial.objects.bulk_update(trials, ["search_text"], batch_size=BATCH)
    if connection.vendor == "postgresql":
        Trial.objects.filter(pk__in=ids).update(
            search_vector=SearchVector("search_text", config="english")
        )
