"""Keep a trial's registry relations in step with a parsed record.

Each part is skipped when the record did not include it (None), compared with
what is stored, and rewritten only when it differs, so an unchanged part writes
nothing. Rows editors curated (`record_source=curated`) are never touched.
"""

from dataclasses import dataclass
from decimal import Decimal

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


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str
    applied: bool = True


def organizations(orgs: list[Org]) -> dict[str, Organization]:
    """Organization rows by name, created where missing; the agency class is filled in."""
    rows = {o.name: o for o in Organization.objects.filter(name__in=[o.name for o in orgs])}
    for org in orgs:
        row = rows.get(org.name)
        if row is None:
            rows[org.name] = build(Organization, name=org.name, agency_class=org.agency_class)
            rows[org.name].save()
        elif org.agency_class and row.agency_class != org.agency_class:
            row.agency_class = org.agency_class
            row.save(update_fields=["agency_class"])
    return rows


def sync_relations(trial: Trial, parsed: ParsedStudy) -> list[FieldChange]:
    changes: list[FieldChange] = []
    for sync in (
        _phases,
        _conditions,
        _collaborators,
        _identifiers,
        _sites,
        _arms_and_interventions,
        _outcomes,
    ):
        changes += sync(trial, parsed)
    return changes


def _lines(items) -> str:
    return "\n".join(items)


def _phases(trial: Trial, parsed: ParsedStudy) -> list[FieldChange]:
    if parsed.phases is None:
        return []
    old = list(trial.phases.values_list("code", flat=True))
    if set(old) == set(parsed.phases):
        return []
    rows = {p.code: p for p in Phase.objects.filter(code__in=parsed.phases)}
    for code in parsed.phases:
        if code not in rows:
            rows[code] = unknown_phase(code)
    trial.phases.set(rows.values())
    return [FieldChange("phases", ", ".join(sorted(old)), ", ".join(parsed.phases))]


def _conditions(trial: Trial, parsed: ParsedStudy) -> list[FieldChange]:
    if parsed.conditions is None:
        return []
    names = [c.name for c in parsed.conditions]
    rows = {c.name: c for c in Condition.objects.filter(name__in=names)}
    for data in parsed.conditions:
        row = rows.get(data.name)
        if row is None:
            row = rows[data.name] = build(Condition, name=data.name)
        # Editors' MeSH choices win; the registry only fills a blank.
        if data.mesh_term and not row.mesh_term:
            row.mesh_term, row.mesh_id = data.mesh_term, data.mesh_id
            row.save()
        elif row.pk is None:
            row.save()
    old = sorted(trial.conditions.values_list("name", flat=True))
    if old == sorted(r.name for r in rows.values()):
        return []
    trial.conditions.set(rows.values())
    return [FieldChange("conditions", _lines(old), _lines(names))]


def _collaborators(trial: Trial, parsed: ParsedStudy) -> list[FieldChange]:
    if parsed.collaborators is None:
        return []
    rows = organizations(list(parsed.collaborators))
    old = sorted(trial.collaborators.values_list("name", flat=True))
    if old == sorted(o.name for o in rows.values()):
        return []
    trial.collaborators.set(rows.values())
    return [FieldChange("collaborators", _lines(old), _lines(o.name for o in parsed.collaborators))]


def _replace(trial, related: str, wanted: list, signature, label: str, describe):
    """Swap the trial's registry rows of one kind for `wanted` if they differ."""
    manager = getattr(trial, related)
    current = [r for r in manager.all() if r.record_source == RecordSource.REGISTRY]
    old = sorted(signature(r) for r in current)
    if old == sorted(signature(r) for r in wanted):
        return []
    manager.filter(record_source=RecordSource.REGISTRY).delete()
    if wanted:
        type(wanted[0]).objects.bulk_create(wanted)
    return [FieldChange(label, _lines(describe(r) for r in current), _lines(map(describe, wanted)))]


def _identifiers(trial: Trial, parsed: ParsedStudy) -> list[FieldChange]:
    if parsed.identifiers is None:
        return []
    curated = {
        (i.kind, i.value)
        for i in trial.identifiers.all()
        if i.record_source == RecordSource.CURATED
    }
    wanted = identifier_rows(trial, parsed.identifiers, skip=curated)
    return _replace(
        trial,
        "identifiers",
        wanted,
        lambda r: (r.kind, r.value, r.description),
        "identifiers",
        lambda r: f"{r.kind} {r.value}",
    )


def _site_key(site) -> tuple:
    return (site.facility.casefold(), site.city.casefold(), site.country_code or site.country)


def _sites(trial: Trial, parsed: ParsedStudy) -> list[FieldChange]:
    if parsed.sites is None:
        return []
    curated = {_site_key(s) for s in trial.sites.all() if s.record_source == RecordSource.CURATED}
    wanted = [s for s in site_rows(trial, parsed.sites) if _site_key(s) not in curated]
    return _replace(
        trial,
        "sites",
        wanted,
        lambda s: (s.facility, s.city, s.state, s.country, s.country_code, s.status),
        "sites",
        str,
    )


DOSE_FIELDS = (
    "dose_unit",
    "dose_initial_min",
    "dose_initial_max",
    "dose_supplemental_min",
    "dose_supplemental_max",
    "dosing_sessions",
    "dose_source_text",
)


def _arm_signature(arm: Arm) -> tuple:
    return (
        arm.label,
        arm.arm_type,
        arm.description,
        *(_comparable(getattr(arm, name)) for name in DOSE_FIELDS),
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


def _arms_and_interventions(trial: Trial, parsed: ParsedStudy) -> list[FieldChange]:
    """Arms and interventions together: an intervention names the arms it belongs to."""
    if parsed.arms is None:
        return []
    arms = list(trial.arms.all())
    curated = {a.label.casefold() for a in arms if a.record_source == RecordSource.CURATED}
    current = [a for a in arms if a.record_source == RecordSource.REGISTRY]
    wanted = arm_rows(trial, parsed.arms, skip=curated)  # the editors' arm stands in
    arms_changed = sorted(map(_arm_signature, current)) != sorted(map(_arm_signature, wanted))
    arm_labels = {a.label.casefold() for a in wanted} | curated
    old_items = list(trial.interventions.prefetch_related("arms"))
    old_sigs = sorted(
        _intervention_signature(i, [a.label for a in i.arms.all()]) for i in old_items
    )
    new_items = intervention_rows(trial, parsed.interventions or (), arm_labels)
    new_sigs = sorted(_intervention_signature(i, labels) for i, labels in new_items)
    if not arms_changed and old_sigs == new_sigs:
        return []
    changes = _replace_arms(trial, current, wanted) if arms_changed else []
    _replace_interventions(trial, new_items)
    if old_sigs != new_sigs:
        old_names, new_names = (i.name for i in old_items), (i.name for i, _ in new_items)
        changes.append(FieldChange("interventions", _lines(old_names), _lines(new_names)))
    return changes


def _replace_arms(trial: Trial, current: list[Arm], wanted: list[Arm]) -> list[FieldChange]:
    trial.arms.filter(record_source=RecordSource.REGISTRY).delete()
    for arm in wanted:
        arm.save()  # one by one so the arms' history records them
    old, new = _lines(a.label for a in current), _lines(a.label for a in wanted)
    return [FieldChange("arms", old, new)]


def _replace_interventions(trial: Trial, items: list[tuple[Intervention, list[str]]]) -> None:
    by_label = {a.label.casefold(): a for a in trial.arms.all()}
    trial.interventions.all().delete()
    for item, labels in items:
        item.save()
        item.arms.set([by_label[label.casefold()] for label in labels])


def _outcomes(trial: Trial, parsed: ParsedStudy) -> list[FieldChange]:
    if parsed.outcomes is None:
        return []
    current = list(trial.outcome_measures.all())
    wanted = outcome_rows(trial, parsed.outcomes)

    def signature(o):
        return (o.kind, o.measure, o.description, o.time_frame)

    if sorted(map(signature, current)) == sorted(map(signature, wanted)):
        return []
    trial.outcome_measures.all().delete()
    OutcomeMeasure.objects.bulk_create(wanted)
    return [
        FieldChange(
            "outcome_measures",
            _lines(f"{o.kind}: {o.measure}" for o in current),
            _lines(f"{o.kind}: {o.measure}" for o in wanted),
        )
    ]
