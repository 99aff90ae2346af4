"""A trial's short related lists (phases, conditions, sites, ...) read in one query.

The trial page used to prefetch each list on its own: six round trips for a few rows
each. Here every list is one arm of a UNION ALL whose rows carry the list's name, the
row's place in the list's own ordering (ranked by the database, so its collation
decides as before) and the row's fields as a JSON object. The rows become model
instances in each relation's prefetch cache, so ``trial.sites.all()`` and the rest
read them without a query, exactly as after ``prefetch_related``. The UNION's SQL is
built once per process, with a stand-in for the trial's id: building it (seven
querysets with windows and JSON objects) cost more than running it.
"""

import functools
import json

from django.db import connections
from django.db.models import CharField, Exists, F, OuterRef, Value, Window, prefetch_related_objects
from django.db.models.functions import JSONObject, RowNumber

from trials.models import (
    Condition,
    Organization,
    OutcomeMeasure,
    Phase,
    Site,
    Trial,
    TrialIdentifier,
)

# Relation name -> (model, the lists' ordering). Only models whose fields are plain
# text, numbers and booleans: those survive a trip through JSON unchanged.
LISTS = {
    "phases": (Phase, ["order", "pk"]),
    "conditions": (Condition, ["name", "pk"]),
    "collaborators": (Organization, ["name", "pk"]),
    "identifiers": (TrialIdentifier, None),
    "sites": (Site, None),
    "outcome_measures": (OutcomeMeasure, None),
}


def _fields(model) -> list:
    return list(model._meta.concrete_fields)


def _arm(trial_id: int, name: str):
    """One relation's rows of this trial as (list, position, JSON object of the fields)."""
    model, ordering = LISTS[name]
    field = Trial._meta.get_field(name)
    if field.many_to_many:
        # Through the link table: the related row's fields, by the related model's order.
        queryset = model.objects.filter(**{field.related_query_name(): trial_id})
    else:
        queryset = model.objects.filter(trial_id=trial_id)
    ordering = ordering or [*model._meta.ordering, "pk"]
    return queryset.order_by().values(
        relation=Value(name, output_field=CharField()),
        position=Window(RowNumber(), order_by=[F(column) for column in ordering]),
        row=JSONObject(**{f.attname: F(f.attname) for f in _fields(model)}),
    )


def _instance(model, row: dict):
    values = {f.attname: f.to_python(row.get(f.attname)) for f in _fields(model)}
    instance = model(**values)
    instance._state.adding = False
    instance._state.db = "default"
    return instance


def cache_rows(trial, name: str, instances: list) -> None:
    """Put the instances where prefetch_related would have put them."""
    if not hasattr(trial, "_prefetched_objects_cache"):
        trial._prefetched_objects_cache = {}
    queryset = getattr(trial, name).all()
    queryset._result_cache = instances
    queryset._prefetch_done = True
    trial._prefetched_objects_cache[name] = queryset


# Stands for the trial's id in the SQL built once (no real id is negative).
TRIAL_ID = -1


@functools.cache
def _union_sql(alias: str) -> tuple[str, tuple]:
    first, *others = [_arm(TRIAL_ID, name) for name in LISTS]
    union = first.union(*others, all=True)
    sql, params = union.query.get_compiler(using=alias).as_sql()
    return sql, tuple(params)


def attach_related_lists(trial) -> None:
    """Read the trial's short related lists in one query and cache them on the trial."""
    alias = trial._state.db or "default"
    sql, params = _union_sql(alias)
    found = {name: [] for name in LISTS}
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [trial.pk if p == TRIAL_ID else p for p in params])
        names = [column[0] for column in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            fields = row["row"] if isinstance(row["row"], dict) else json.loads(row["row"])
            found[row["relation"]].append((row["position"], fields))
    for name, rows in found.items():
        rows.sort(key=lambda row: row[0])
        cache_rows(trial, name, [_instance(LISTS[name][0], row) for _, row in rows])


def has_rows(names) -> dict:
    """``has_<name>`` annotations: whether the trial has any row in each relation."""
    annotations = {}
    for name in names:
        relation = Trial._meta.get_field(name)
        rows = relation.related_model.objects.filter(**{relation.field.name: OuterRef("pk")})
        annotations[f"has_{name}"] = Exists(rows)
    return annotations


def prefetch_present(trial, lookups: dict) -> None:
    """Prefetch only the relations ``has_rows`` found rows in; the others are empty.

    Most trials have no results, adverse events or evidence, and an empty prefetch is
    still a round trip.
    """
    present = []
    for name, lookup in lookups.items():
        if getattr(trial, f"has_{name}"):
            present.append(lookup)
        else:
            cache_rows(trial, name, [])
    prefetch_related_objects([trial], *present)
