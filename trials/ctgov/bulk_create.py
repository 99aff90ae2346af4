"""Studies new to the database, written a page at a time in bulk.

A new study has nothing stored to compare with, no locks and no curated rows, so
the per-study upsert's reads are all empty: here a page's new trials, their
history, relations and search text go in with a few statements per page instead
of some fifty per study. The caller wraps `create_studies` in a savepoint and, if
it fails, imports the same studies one by one (`upsert_study`), so one bad study
is refused alone and never leaves half a trial.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from simple_history.utils import bulk_create_with_history

from editorial.models import State
from trials.choices import IdentifierKind, RecordSource
from trials.ctgov.bulk_write import (
    BATCH,
    insert_interventions,
    insert_links,
    refresh_search_vectors,
)
from trials.ctgov.parse import ParseError, parse_study
from trials.ctgov.records import ParsedStudy
from trials.ctgov.relations import condition_rows, organizations, phase_rows
from trials.ctgov.rows import (
    arm_rows,
    identifier_rows,
    intervention_rows,
    outcome_rows,
    site_rows,
)
from trials.ctgov.store_results import sync_results
from trials.ctgov.topic import off_topic_reason
from trials.ctgov.upsert import CREATED, UpsertResult, assign, change_reason
from trials.models import (
    Arm,
    Intervention,
    Organization,
    OutcomeMeasure,
    Site,
    Trial,
    TrialIdentifier,
)


@dataclass
class NewStudy:
    parsed: ParsedStudy
    raw: dict
    digest: str
    off_topic: str
    trial: Trial | None = None
    # Its relation rows, built before the trial is inserted so its search text can be too.
    rows: dict[str, list] = field(default_factory=dict)
    interventions: list[tuple[Intervention, list[str]]] = field(default_factory=list)


def prepare(raw: dict, digest: str) -> NewStudy:
    """Parse one new record, already without NUL characters and hashed; ParseError
    (refuse it alone) if it cannot be created."""
    parsed = parse_study(raw)
    if not parsed.fields.get("brief_title"):
        raise ParseError(f"{parsed.nct_id}: no briefTitle; a new trial needs a title")
    return NewStudy(parsed, raw, digest, off_topic_reason(parsed, settings.CTGOV_TOPIC_TERMS))


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
    conditions = condition_rows([c for s in studies for c in s.parsed.conditions or ()])
    for study in studies:
        study.trial = _trial(study, orgs, now, publish)
        _build_rows(study)
        study.trial.search_text = _search_text(study, orgs, conditions)
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
    phases = phase_rows([code for s in studies for code in s.parsed.phases or ()])
    _links(studies, orgs, phases, conditions)
    _insert_rows(studies, run, now)
    for study in studies:
        if study.raw.get("resultsSection"):  # rare; stored by the one results writer
            sync_results(study.trial, study.parsed, None, study.raw, False)
    refresh_search_vectors(t.pk for t in trials)
    return [_result(s) for s in studies]


def _result(study: NewStudy) -> UpsertResult:
    held = study.off_topic if study.trial.state == State.DRAFT else ""
    return UpsertResult(
        study.parsed.nct_id, CREATED, study.trial.pk, warnings=study.parsed.warnings, off_topic=held
    )


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
        assign(trial, name, value, orgs)
    trial.raw_json, trial.raw_hash = study.raw, study.digest
    trial.last_imported_at = trial.last_checked_at = now
    trial.off_topic_reason = study.off_topic
    return trial


def _organizations(studies: list[NewStudy]) -> dict[str, Organization]:
    """Every lead sponsor and collaborator of the page, created where missing."""
    leads = [s.parsed.fields.get("lead_sponsor") for s in studies]
    collaborators = [o for s in studies for o in s.parsed.collaborators or ()]
    return organizations([o for o in leads if o] + collaborators)


def _build_rows(study: NewStudy) -> None:
    p, t = study.parsed, study.trial
    study.rows = {
        "identifiers": identifier_rows(t, p.identifiers or ()),
        "sites": site_rows(t, p.sites or ()),
        "outcomes": outcome_rows(t, p.outcomes or ()),
        "arms": arm_rows(t, p.arms or ()),
    }
    study.interventions = intervention_rows(t, p.interventions or ())


class _Loaded(list):
    """Rows at hand, answering ``.all()`` as a prefetched relation does."""

    def all(self):
        return self


def _search_text(study: NewStudy, orgs: dict, conditions: dict) -> str:
    """The trial's search text before it is inserted, so no second write is needed.

    Trial.build_search_text stays the one formatter: it reads each relation through
    ``.all()`` in the model's ordering, which these sorted lists reproduce.
    """
    p, t = study.parsed, study.trial
    by_name = lambda row: row.name  # noqa: E731
    conds = {conditions[c.name].name: conditions[c.name] for c in p.conditions or ()}
    collabs = {orgs[o.name].name: orgs[o.name] for o in p.collaborators or ()}
    view = SimpleNamespace(
        nct_id=t.nct_id,
        acronym=t.acronym,
        brief_title=t.brief_title,
        official_title=t.official_title,
        summary=t.summary,
        conditions=_Loaded(sorted(conds.values(), key=by_name)),
        interventions=_Loaded(item for item, _ in study.interventions),
        identifiers=_Loaded(sorted(study.rows["identifiers"], key=lambda i: (i.kind, i.value))),
        collaborators=_Loaded(sorted(collabs.values(), key=by_name)),
        lead_sponsor_id=t.lead_sponsor_id,
        lead_sponsor=t.lead_sponsor,
    )
    return Trial.build_search_text(view)


def _links(studies: list[NewStudy], orgs: dict, phases: dict, conditions: dict) -> None:
    """The page's many-to-many links, three inserts in all."""
    links = {Trial.phases: [], Trial.conditions: [], Trial.collaborators: []}
    for s in studies:
        p, pk = s.parsed, s.trial.pk
        links[Trial.phases] += [(pk, phases[c].pk) for c in p.phases or ()]
        links[Trial.conditions] += [(pk, conditions[c.name].pk) for c in p.conditions or ()]
        links[Trial.collaborators] += [(pk, orgs[o.name].pk) for o in p.collaborators or ()]
    insert_links(links)


def _insert_rows(studies: list[NewStudy], run, now) -> None:
    for name, model in (
        ("identifiers", TrialIdentifier),
        ("sites", Site),
        ("outcomes", OutcomeMeasure),
    ):
        model.objects.bulk_create([r for s in studies for r in s.rows[name]], batch_size=BATCH)
    arms = bulk_create_with_history(
        [r for s in studies for r in s.rows["arms"]],
        Arm,
        batch_size=BATCH,
        default_change_reason=change_reason(run),
        default_date=now,
    )
    if arms and arms[0].pk is None:
        arms = list(Arm.objects.filter(trial__in=[s.trial for s in studies]))
    insert_interventions([i for s in studies for i in s.interventions], arms)
