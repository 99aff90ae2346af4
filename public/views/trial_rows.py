"""A trial's posted results, design and evidence rows, read in one query, and the one
query-building function of the trial page and the API's trial detail.

A trial with full results has some fifteen kinds of rows (flow periods, steps and counts,
baseline measures and values, outcomes, their groups, measurements and analyses,
adverse-event terms and counts, arms, ...), and a curated one publications, milestones
and safety findings; prefetching them costs a round trip each. Here each kind is one arm
of a UNION ALL whose rows carry the kind, the row's place in the model's own ordering
(ranked by the database, so its collation decides as before) and the row's fields as a
JSON object, as trials.related_lists does for the short lists. The SQL is compiled once
per process. The rows land where prefetch_related would have put them, so the tables,
templates and serializers read them without a query whatever the size of the study.
"""

import json
from datetime import UTC
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ObjectDoesNotExist
from django.db import connections
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    F,
    FloatField,
    JSONField,
    Prefetch,
    QuerySet,
    TextField,
    Value,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, JSONObject, RowNumber
from django.utils import timezone

from evidence.models import Publication, RegulatoryMilestone, SafetyFinding
from trials import models as registry
from trials.related_lists import attach_related_lists, has_rows, prefetch_present


class Rows(NamedTuple):
    """One kind of row: its model, its foreign key to the row whose list it is in, and the
    lookup from it to its trial. A kind comes after the kind it is listed under.

    Rows the trial lists through a many-to-many relation have no parent: they are
    cached as ``trial.<relation>``, and only those the manager method ``shown`` picks.
    """

    model: type
    parent: str
    trial: str
    relation: str = ""
    shown: str = ""


def _evidence(model, relation: str) -> tuple:
    return (Rows(model, "", "trials", relation=relation, shown="published"),)


FLOW_ROWS = (
    Rows(registry.FlowGroup, "flow", "flow__trial"),
    Rows(registry.FlowPeriod, "flow", "flow__trial"),
    Rows(registry.FlowStep, "period", "period__flow__trial"),
    Rows(registry.FlowCount, "step", "step__period__flow__trial"),
)
BASELINE_ROWS = (
    Rows(registry.BaselineGroup, "baseline", "baseline__trial"),
    Rows(registry.BaselineMeasure, "baseline", "baseline__trial"),
    Rows(registry.BaselineDenominator, "baseline", "baseline__trial"),
    Rows(registry.BaselineValue, "measure", "measure__baseline__trial"),
)
ARMS = Rows(registry.Arm, "trial", "trial")
# Keyed by the trial's relation: its has_<name> flag says whether to read these kinds.
TRIAL_ROWS = {
    "result_outcomes": (
        Rows(registry.ResultOutcome, "trial", "trial"),
        Rows(registry.ResultGroup, "outcome", "outcome__trial"),
        Rows(registry.ResultMeasurement, "outcome", "outcome__trial"),
        Rows(registry.ResultAnalysis, "outcome", "outcome__trial"),
    ),
    "adverse_event_groups": (Rows(registry.AdverseEventGroup, "trial", "trial"),),
    "adverse_events": (
        Rows(registry.AdverseEvent, "trial", "trial"),
        Rows(registry.AdverseEventCount, "event", "event__trial"),
    ),
    "arms": (ARMS,),
    "interventions": (Rows(registry.Intervention, "trial", "trial"),),
    "publications": _evidence(Publication, "publications"),
    "milestones": _evidence(RegulatoryMilestone, "milestones"),
    "safety_findings": _evidence(SafetyFinding, "safety_findings"),
}
# A safety finding shows whether a published source of it is retracted.
FINDING_PUBLICATIONS = Prefetch("publications", queryset=Publication.objects.published())
# Which intervention each arm gives: read with the interventions, cached as arm.interventions.
ARM_LINKS = Rows(registry.Intervention.arms.through, "arm", "arm__trial")
# Read when the trial has one: the page selects its flow and baseline with the trial.
ONE_TO_ONE_ROWS = {"participant_flow": FLOW_ROWS, "baseline": BASELINE_ROWS}
# Stands for the trial's id in the SQL compiled once per set of kinds (no real id is negative).
TRIAL_ID = -1_000_000_007
# (database alias, kinds) -> (SQL, parameters), filled on first use.
_COMPILED: dict[tuple, tuple[str, list]] = {}
# Model -> the empty query every cached list of its rows shares (see _cache_list).
_EMPTY: dict[type, object] = {}


def one_to_one(trial, name: str):
    """The trial's participant flow or baseline, None when it has none."""
    try:
        return getattr(trial, name)
    except ObjectDoesNotExist:
        return None


def _json_field(field):
    # JSON and decimals travel as their text, so they read back exactly as a query gives them.
    if isinstance(field, (JSONField, DecimalField)):
        return Cast(F(field.attname), TextField())
    return F(field.attname)


def _ranked_by(name: str):
    return F(name[1:]).desc() if name.startswith("-") else F(name)


def _select(kind: Rows):
    model = kind.model
    ordering = [*model._meta.ordering, "pk"]
    rows = getattr(model._default_manager, kind.shown or "all")()
    return (
        rows.filter(**{kind.trial: TRIAL_ID})
        .order_by()
        .values(
            row_model=Value(model._meta.label_lower, output_field=CharField()),
            row_rank=Window(RowNumber(), order_by=[_ranked_by(name) for name in ordering]),
            row_json=JSONObject(**{f.attname: _json_field(f) for f in model._meta.concrete_fields}),
        )
    )


def _compiled(kinds: tuple, alias: str) -> tuple[str, list]:
    """The UNION ALL of these kinds as SQL, built once per process: building it is most of
    its cost."""
    key = (alias, kinds)
    if key not in _COMPILED:
        first, *others = [_select(kind) for kind in kinds]
        union = first.union(*others, all=True) if others else first
        _COMPILED[key] = union.query.get_compiler(alias).as_sql()
    return _COMPILED[key]


def _converter(field):
    """How a field's JSON value becomes what a query would have given; None: as it is."""
    if isinstance(field, JSONField):
        return lambda text: json.loads(text, cls=field.decoder)
    if isinstance(field, DecimalField):
        places = Decimal(1).scaleb(-field.decimal_places)
        return lambda text: Decimal(text).quantize(places)
    if isinstance(field, DateTimeField):
        # SQLite keeps UTC without its zone, as the database's own reading assumes too.
        return lambda text: _aware(field.to_python(text))
    if isinstance(field, (BooleanField, DateField, FloatField)):
        return field.to_python
    return None


def _aware(moment):
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)


_CONVERTERS: dict[type, list] = {}


def _instance(model, fields: dict, alias: str):
    if model not in _CONVERTERS:
        _CONVERTERS[model] = [(f.attname, _converter(f)) for f in model._meta.concrete_fields]
    values = []
    for name, convert in _CONVERTERS[model]:
        value = fields.get(name)
        values.append(value if value is None or convert is None else convert(value))
    return model.from_db(alias, None, values)


def _cache_list(parent, name: str, model, rows: list) -> None:
    """Cache rows as ``parent.<name>.all()``, where prefetch_related puts them.

    prefetch_related builds each parent's own filtered queryset to hold its rows, a clone
    per parent and thousands on a large study. These share one empty query instead: the
    rows answer iteration, len, count and exists; a further filter would read nothing,
    never another parent's rows.
    """
    if model not in _EMPTY:
        _EMPTY[model] = model._default_manager.none().query
    queryset = QuerySet(model=model, query=_EMPTY[model])
    queryset._result_cache = rows
    queryset._prefetch_done = True
    parent.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def _cache_children(kind: Rows, children: list, loaded: dict) -> None:
    """Each parent's list of these children (empty too), and each child's foreign keys to
    the rows already read, as prefetch_related leaves them."""
    link = kind.model._meta.get_field(kind.parent)
    parents = loaded.get(link.related_model, {})
    lists = {pk: [] for pk in parents}
    for child in children:
        lists[getattr(child, link.attname)].append(child)
    for pk, rows in lists.items():
        _cache_list(parents[pk], link.remote_field.cache_name, kind.model, rows)
    for field in kind.model._meta.concrete_fields:
        targets = loaded.get(field.related_model) if field.many_to_one else None
        for child in children if targets else ():
            target = targets.get(getattr(child, field.attname))
            if target is not None:
                field.set_cached_value(child, target)


def _cache_arm_interventions(links: list, loaded: dict) -> None:
    """Each arm's interventions, picked from the trial's own in the trial's order, which
    is the order a prefetch of arm.interventions gives."""
    arms = list(loaded.get(registry.Arm, {}).values())
    interventions = loaded.get(registry.Intervention, {})
    if any(link.intervention_id not in interventions for link in links):
        # The admin can link an arm to another trial's intervention: read those the usual way.
        prefetch_related_objects(arms, "interventions")
        return
    given: dict[int, set] = {}
    for link in links:
        given.setdefault(link.arm_id, set()).add(link.intervention_id)
    for arm in arms:
        ids = given.get(arm.pk, set())
        rows = [i for pk, i in interventions.items() if pk in ids]
        _cache_list(arm, "interventions", registry.Intervention, rows)


def _kinds(trial, sections) -> list[Rows]:
    kinds = []
    for name in sections:
        if name in ONE_TO_ONE_ROWS:
            if one_to_one(trial, name) is not None:
                kinds += ONE_TO_ONE_ROWS[name]
        elif getattr(trial, f"has_{name}"):
            kinds += TRIAL_ROWS[name]
        else:
            _cache_list(trial, name, TRIAL_ROWS[name][0].model, [])
    if ARMS in kinds:
        kinds.append(ARM_LINKS)
    return kinds


def load_rows(trial, sections) -> None:
    """Every row of these sections (ONE_TO_ONE_ROWS, TRIAL_ROWS) the trial has, in one query.

    Reads only the sections its has_<name> flags (see has_rows) and its selected flow and
    baseline say it has; each row is cached where prefetch_related would have put it.
    """
    kinds = _kinds(trial, sections)
    if not kinds:
        return
    alias = trial._state.db
    sql, params = _compiled(tuple(kinds), alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [trial.pk if p == TRIAL_ID else p for p in params])
        names = [column[0] for column in cursor.description]
        found: dict[str, list] = {kind.model._meta.label_lower: [] for kind in kinds}
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            found[row["row_model"]].append((row["row_rank"], row["row_json"]))
    loaded = {type(trial): {trial.pk: trial}}
    for name in ONE_TO_ONE_ROWS:
        if name in sections and (one := one_to_one(trial, name)) is not None:
            loaded[type(one)] = {one.pk: one}
    for kind in kinds:
        ranked = sorted(found[kind.model._meta.label_lower], key=lambda row: row[0])
        children = [
            _instance(kind.model, f if isinstance(f, dict) else json.loads(f), alias)
            for _, f in ranked
        ]
        if kind is ARM_LINKS:
            _cache_arm_interventions(children, loaded)
            continue
        if not kind.parent:
            _cache_list(trial, kind.relation, kind.model, children)
            continue
        _cache_children(kind, children, loaded)
        loaded[kind.model] = {child.pk: child for child in children}


def trial_with_sections(sections, prefetches: dict):
    """Published and withdrawn trials (a withdrawn one answers 410), each flagged with the
    sections it has rows in: the one query-building function of the page and the API."""
    flagged = [name for name in sections if name in TRIAL_ROWS]
    return (
        registry.Trial.objects.publicly_addressable()
        .select_related("lead_sponsor")
        .annotate(**has_rows([*flagged, *prefetches]))
    )


def load_sections(trial, sections, prefetches: dict) -> None:
    """Every section's rows: the short lists in one query, the results, design and
    evidence rows in another, then one query per other kind of row the trial has."""
    attach_related_lists(trial)
    load_rows(trial, sections)
    if "safety_findings" in sections:
        prefetch_related_objects(list(trial.safety_findings.all()), FINDING_PUBLICATIONS)
    prefetch_present(trial, prefetches)
