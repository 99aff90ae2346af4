"""Keep a trial's registry relations in step with a parsed record.

Each part is skipped when the record did not include it (None), compared with
what is stored, and rewritten only when it differs, so an unchanged part writes
nothing. Rows editors curated (`record_source=curated`) are never touched.

The comparison (`diff_relations`) reads the trial's relations through ``.all()``
and writes nothing, so the bulk writer of changed studies (trials.ctgov.bulk_update)
runs it on prefetched trials and writes a whole page's differences at once; one
study's are written here (`sync_relations`).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from trials.choices import RecordSource
from trials.ctgov.records import Org, ParsedStudy
from trials.ctgov.rows import (
    arm_rows,
    build,
    identifier_rows,
    intervention_rows,
    outcome_rows,
    site_rows,
    unknown_phase,
)
from trials.models import Arm, Condition, Intervention, Organization, OutcomeMeasure, Phase, Trial

# The dose columns the registry fills; `dose_note` is the editors'.
REGISTRY_DOSE_FIELDS = (*(f for f in Arm.DOSE_FIELDS if f != "dose_note"), "dose_source_text")


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str
    applied: bool = True


@dataclass
class RelationDiff:
    """What a record changes in one trial's relations, worked out before any write."""

    changes: list[FieldChange] = field(default_factory=list)
    # Links to set, by relation, when they changed: phase codes, condition and organization names.
    links: dict[str, list[str]] = field(default_factory=dict)
    # Registry rows replacing the stored ones, by related name (arms: the registry's only).
    rows: dict[str, list] = field(default_factory=dict)
    interventions: list[tuple[Intervention, list[str]]] | None = None  # None: left alone


class PageOrganizations:
    """Organizations by name: stored ones loaded in one query, missing ones built when
    first asked for and inserted by `save`, with the registry's agency class filled in."""

    def __init__(self, orgs: list[Org]):
        self.wanted: dict[str, Org] = {}
        for org in orgs:
            if org.agency_class or org.name not in self.wanted:
                self.wanted[org.name] = org
        self.rows = {o.name: o for o in Organization.objects.filter(name__in=list(self.wanted))}
        self.new: list[Organization] = []
        self.stale: list[Organization] = []

    def __getitem__(self, name: str) -> Organization:
        org, row = self.wanted[name], self.rows.get(name)
        if row is None:
            row = self.rows[name] = build(Organization, name=name, agency_class=org.agency_class)
            self.new.append(row)
        elif org.agency_class and row.agency_class != org.agency_class:
            row.agency_class = org.agency_class
            self.stale.append(row)
        return row

    def rows_for(self, names) -> dict[str, Organization]:
        return {name: self[name] for name in names}

    def save(self) -> None:
        Organization.objects.bulk_create(self.new)
        Organization.objects.bulk_update(self.stale, ["agency_class"])
        self.new, self.stale = [], []


def organizations(orgs: list[Org]) -> dict[str, Organization]:
    """Organization rows by name, created where missing; the agency class is filled in."""
    page = PageOrganizations(orgs)
    rows = page.rows_for(o.name for o in orgs)
    page.save()
    return rows


def sync_relations(trial: Trial, parsed: ParsedStudy) -> list[FieldChange]:
    """Compare and write one trial's relations; return what changed."""
    diff = diff_relations(trial, parsed)
    _write_links(trial, parsed, diff.links)
    for related, rows in diff.rows.items():
        registry_owned(getattr(trial, related).all()).delete()
        if related == "arms":
            for arm in rows:
                arm.save()  # one by one so the arms' history records them
        elif rows:
            type(rows[0]).objects.bulk_create(rows)
    if diff.interventions is not None:
        _replace_interventions(trial, diff.interventions)
    return diff.changes


def registry_owned(rows: QuerySet) -> QuerySet:
    """The rows a replacement deletes: the registry's (outcome measures are all the registry's)."""
    if rows.model is OutcomeMeasure:
        return rows
    return rows.filter(record_source=RecordSource.REGISTRY)


def diff_relations(trial: Trial, parsed: ParsedStudy) -> RelationDiff:
    """Every part's difference between the stored trial and the record; writes nothing."""
    diff = RelationDiff()
    parts = (_phases, _conditions, _collaborators, _identifiers, _sites, _arms, _outcomes)
    for part in parts:
        part(trial, parsed, diff)
    return diff


def _lines(items) -> str:
    return "\n".join(items)


def _phases(trial: Trial, parsed: ParsedStudy, diff: RelationDiff) -> None:
    if parsed.phases is None:
        return
    old = [p.code for p in trial.phases.all()]
    if set(old) != set(parsed.phases):
        diff.links["phases"] = list(parsed.phases)
        diff.changes.append(FieldChange("phases", ", ".join(sorted(old)), ", ".join(parsed.phases)))


def _conditions(trial: Trial, parsed: ParsedStudy, diff: RelationDiff) -> None:
    _named_links(trial, diff, "conditions", parsed.conditions)


def _collaborators(trial: Trial, parsed: ParsedStudy, diff: RelationDiff) -> None:
    _named_links(trial, diff, "collaborators", parsed.collaborators)


def _named_links(trial: Trial, diff: RelationDiff, relation: str, items) -> None:
    """Conditions or collaborators, linked by name."""
    if items is None:
        return
    names = [item.name for item in items]
    old = sorted(row.name for row in getattr(trial, relation).all())
    if old != sorted(set(names)):
        diff.links[relation] = names
        diff.changes.append(FieldChange(relation, _lines(old), _lines(names)))


def condition_rows(conditions) -> dict[str, Condition]:
    """Condition rows by name, created where missing; editors' MeSH choices win, the
    registry only fills a blank."""
    wanted = {c.name: c for c in conditions}
    rows = {c.name: c for c in Condition.objects.filter(name__in=list(wanted))}
    new = [
        build(Condition, name=c.name, mesh_term=c.mesh_term, mesh_id=c.mesh_id)
        for c in wanted.values()
        if c.name not in rows
    ]
    Condition.objects.bulk_create(new)
    blank = [r for r in rows.values() if not r.mesh_term and wanted[r.name].mesh_term]
    for row in blank:
        row.mesh_term, row.mesh_id = wanted[row.name].mesh_term, wanted[row.name].mesh_id
    Condition.objects.bulk_update(blank, ["mesh_term", "mesh_id"])
    return rows | {c.name: c for c in new}


def phase_rows(codes) -> dict[str, Phase]:
    """Phase rows by code; a code the registry's vocabulary gained is added."""
    rows = {p.code: p for p in Phase.objects.filter(code__in=set(codes))}
    for code in set(codes) - set(rows):
        rows[code] = unknown_phase(code)
    return rows


def _write_links(trial: Trial, parsed: ParsedStudy, links: dict[str, list[str]]) -> None:
    # Conditions and collaborators are stored (and filled in) even when the links stand.
    conditions = condition_rows(parsed.conditions) if parsed.conditions is not None else {}
    orgs = organizations(list(parsed.collaborators)) if parsed.collaborators is not None else {}
    if "phases" in links:
        trial.phases.set(phase_rows(links["phases"]).values())
    if "conditions" in links:
        trial.conditions.set({conditions[n] for n in links["conditions"]})
    if "collaborators" in links:
        trial.collaborators.set({orgs[n] for n in links["collaborators"]})


def _replace(diff: RelationDiff, related: str, current: list, wanted: list, signature, describe):
    """Note the trial's registry rows of one kind for replacement if they differ."""
    if sorted(map(signature, current)) == sorted(map(signature, wanted)):
        return
    diff.rows[related] = wanted
    diff.changes.append(
        FieldChange(related, _lines(map(describe, current)), _lines(map(describe, wanted)))
    )


def _registry(rows) -> list:
    return [r for r in rows if r.record_source == RecordSource.REGISTRY]


def _identifiers(trial: Trial, parsed: ParsedStudy, diff: RelationDiff) -> None:
    if parsed.identifiers is None:
        return
    stored = list(trial.identifiers.all())
    curated = {(i.kind, i.value) for i in stored if i.record_source == RecordSource.CURATED}
    _replace(
        diff,
        "identifiers",
        _registry(stored),
        identifier_rows(trial, parsed.identifiers, skip=curated),
        lambda r: (r.kind, r.value, r.description),
        lambda r: f"{r.kind} {r.value}",
    )


def _site_key(site) -> tuple:
    return (site.facility.casefold(), site.city.casefold(), site.country_code or site.country)


def _sites(trial: Trial, parsed: ParsedStudy, diff: RelationDiff) -> None:
    if parsed.sites is None:
        return
    stored = list(trial.sites.all())
    curated = {_site_key(s) for s in stored if s.record_source == RecordSource.CURATED}
    _replace(
        diff,
        "sites",
        _registry(stored),
        [s for s in site_rows(trial, parsed.sites) if _site_key(s) not in curated],
        lambda s: (s.facility, s.city, s.state, s.country, s.country_code, s.status),
        str,
    )


def _arm_signature(arm: Arm) -> tuple:
    return (
        arm.label,
        arm.arm_type,
        arm.description,
        *(_comparable(getattr(arm, name)) for name in REGISTRY_DOSE_FIELDS),
    )


def _comparable(value) -> str:
    """Stored 120.000 and parsed 120 are the same dose; None sorts beside numbers."""
    if value is None:
        return ""
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def _intervention_signature(item: Intervention, arm_labels) -> tuple:
    return (
        item.name,
        item.intervention_type,
        item.description,
        tuple(item.other_names),
        tuple(sorted(arm_labels)),
    )


def _arms(trial: Trial, parsed: ParsedStudy, diff: RelationDiff) -> None:
    """Arms and interventions together: an intervention names the arms it belongs to."""
    if parsed.arms is None:
        return
    arms = list(trial.arms.all())
    curated = {a.label.casefold() for a in arms if a.record_source == RecordSource.CURATED}
    current = _registry(arms)
    wanted = arm_rows(trial, parsed.arms, skip=curated)  # the editors' arm stands in
    arms_changed = sorted(map(_arm_signature, current)) != sorted(map(_arm_signature, wanted))
    arm_labels = {a.label.casefold() for a in wanted} | curated
    old_items = _interventions(trial)
    old_sigs = sorted(
        _intervention_signature(i, [a.label for a in i.arms.all()]) for i in old_items
    )
    new_items = intervention_rows(trial, parsed.interventions or (), arm_labels)
    new_sigs = sorted(_intervention_signature(i, labels) for i, labels in new_items)
    if not arms_changed and old_sigs == new_sigs:
        return
    if arms_changed:
        diff.rows["arms"] = wanted
        old, new = _lines(a.label for a in current), _lines(a.label for a in wanted)
        diff.changes.append(FieldChange("arms", old, new))
    diff.interventions = new_items
    if old_sigs != new_sigs:
        old_names, new_names = (i.name for i in old_items), (i.name for i, _ in new_items)
        diff.changes.append(FieldChange("interventions", _lines(old_names), _lines(new_names)))


def _interventions(trial: Trial) -> list[Intervention]:
    """The trial's interventions with their arms: prefetched by the bulk writer, else read
    here (not onto the trial, whose search text is rebuilt from its new interventions)."""
    if "interventions" in getattr(trial, "_prefetched_objects_cache", {}):
        return list(trial.interventions.all())
    return list(trial.interventions.prefetch_related("arms"))


def _replace_interventions(trial: Trial, items: list[tuple[Intervention, list[str]]]) -> None:
    by_label = {a.label.casefold(): a for a in trial.arms.all()}
    trial.interventions.all().delete()
    for item, labels in items:
        item.save()
        item.arms.set([by_label[label.casefold()] for label in labels])


def _outcomes(trial: Trial, parsed: ParsedStudy, diff: RelationDiff) -> None:
    if parsed.outcomes is None:
        return
    _replace(
        diff,
        "outcome_measures",
        list(trial.outcome_measures.all()),
        outcome_rows(trial, parsed.outcomes),
        lambda o: (o.kind, o.measure, o.description, o.time_frame),
        lambda o: f"{o.kind}: {o.measure}",
    )
