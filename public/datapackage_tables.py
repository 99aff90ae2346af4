"""The tables of the data package: each a Table Schema and a generator of its published rows.

Dates keep their precision: a partial date is a string column ("2019", "2019-05" or
"2019-05-01") beside a `_precision` column (and `_type` where the model has one),
written by the API's one date helper so new date fields follow the same rule.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from evidence.models import EffectEstimate, Publication, RegulatoryMilestone
from public.api.dates import partial_date
from trials.dates import Precision
from trials.models import (
    AdverseEventGroup,
    Arm,
    OutcomeMeasure,
    ResultMeasurement,
    Site,
    Trial,
)

PARTIAL = "partial"  # our marker: expands to value, _precision and _type columns


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: list[tuple[str, str, str]]  # (name, Table Schema type or PARTIAL, description)
    rows: object  # a callable returning an iterable of dicts
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[dict] = field(default_factory=list)


def fields_of(table: Table) -> list[dict]:
    """Table Schema fields, with each partial date spread over three columns."""
    found = []
    for name, kind, description in table.columns:
        if kind != PARTIAL:
            found.append({"name": name, "type": kind, "description": description})
            continue
        found += [
            {"name": name, "type": "string", "description": f"{description} (YYYY[-MM[-DD]])"},
            {
                "name": f"{name}_precision",
                "type": "string",
                "description": "year, month, day, or circa (an approximate month)",
                "constraints": {"enum": list(Precision.values)},
            },
            {"name": f"{name}_type", "type": "string", "description": "ACTUAL or ESTIMATED"},
        ]
    return found


def spread_dates(row: dict, obj, names: list[str]) -> dict:
    for name in names:
        value = partial_date(obj, name) or {}
        row[name] = value.get("value")
        row[f"{name}_precision"] = value.get("precision")
        row[f"{name}_type"] = value.get("type")
    return row


def published_trials():
    return Trial.objects.published()


def _joined(values) -> str:
    return "|".join(str(v) for v in values)


TRIAL_DATES = [
    "start_date",
    "primary_completion_date",
    "completion_date",
    "first_posted",
    "last_update_posted",
    "results_first_posted",
]


def trial_rows():
    trials = (
        published_trials()
        .select_related("lead_sponsor")
        .prefetch_related("phases")
        .order_by("nct_id", "slug")
    )
    for t in trials:
        row = {
            "key": t.url_key,
            "nct_id": t.nct_id,
            "slug": t.slug,
            "acronym": t.acronym,
            "brief_title": t.brief_title,
            "official_title": t.official_title,
            "overall_status": t.overall_status,
            "why_stopped": t.why_stopped,
            "study_type": t.study_type,
            "phases": _joined(p.code for p in t.phases.all()),
            "allocation": t.allocation,
            "masking": t.masking,
            "primary_purpose": t.primary_purpose,
            "enrollment": t.enrollment,
            "enrollment_type": t.enrollment_type,
            "has_results": t.has_results,
            "lead_sponsor": t.lead_sponsor.name if t.lead_sponsor_id else "",
            "record_source": t.record_source,
            "verified": t.verified,
            "unverified_note": t.unverified_note,
            "url_path": t.get_absolute_url(),
        }
        yield spread_dates(row, t, TRIAL_DATES)


def _child_rows(model, build, *related):
    rows = model.objects.filter(trial__in=published_trials()).select_related("trial", *related)
    for obj in rows.order_by("trial__nct_id", "trial__slug", "pk"):
        yield {"trial_key": obj.trial.url_key, **build(obj)}


def arm_rows():
    names = [
        "label",
        "arm_type",
        "description",
        "dose_unit",
        "dose_initial_min",
        "dose_initial_max",
    ]
    names += ["dose_supplemental_min", "dose_supplemental_max", "dose_source_text"]
    names += ["dosing_sessions", "participants", "dose_note", "record_source"]
    return _child_rows(Arm, lambda a: {n: getattr(a, n) for n in names})


def site_rows():
    names = ["facility", "city", "state", "country", "country_code", "status"]
    return _child_rows(Site, lambda s: {n: getattr(s, n) for n in names})


def condition_rows():
    through = Trial.conditions.through.objects.filter(trial__in=published_trials())
    for link in through.select_related("trial", "condition").order_by("trial__nct_id", "pk"):
        c = link.condition
        yield {
            "trial_key": link.trial.url_key,
            "condition": c.name,
            "mesh_term": c.mesh_term,
            "mesh_id": c.mesh_id,
        }


def outcome_rows():
    names = ["kind", "measure", "description", "time_frame"]
    return _child_rows(OutcomeMeasure, lambda o: {n: getattr(o, n) for n in names})


RESULT_VALUES = ["value", "spread", "lower", "upper"]


def result_rows():
    measurements = ResultMeasurement.objects.filter(
        outcome__trial__in=published_trials()
    ).select_related("outcome__trial", "group")
    for m in measurements.order_by("outcome__trial__nct_id", "outcome__order", "pk"):
        o = m.outcome
        row = {
            "trial_key": o.trial.url_key,
            "outcome_title": o.title,
            "outcome_type": o.outcome_type,
            "param_type": o.param_type,
            "dispersion_type": o.dispersion_type,
            "unit_of_measure": o.unit_of_measure,
            "time_frame": o.time_frame,
            "group_code": m.group.code,
            "group_title": m.group.title,
            "class_title": m.class_title,
            "category": m.category,
        }
        for name in RESULT_VALUES:
            row[f"{name}_raw"] = getattr(m, f"{name}_raw")
            row[name] = getattr(m, name)
        yield row


AE_COUNTS = ["deaths", "serious", "other"]


def adverse_event_rows():
    def build(g):
        row = {"group_code": g.code, "group_title": g.title}
        for kind in AE_COUNTS:
            row[f"{kind}_affected"] = getattr(g, f"{kind}_affected")
            row[f"{kind}_at_risk"] = getattr(g, f"{kind}_at_risk")
        return row

    return _child_rows(AdverseEventGroup, build)


def _published_keys(trials) -> str:
    return _joined(t.url_key for t in trials)


def _editorial(record) -> dict:
    return {
        "verified": record.verified,
        "unverified_note": record.unverified_note,
        "sources": _joined(record.sources.splitlines()),
        "url_path": record.get_absolute_url() if hasattr(record, "get_absolute_url") else "",
    }


def milestone_rows():
    milestones = RegulatoryMilestone.objects.published().prefetch_related(
        Prefetch("trials", queryset=published_trials()),
        Prefetch("publications", queryset=Publication.objects.published()),
    )
    for m in milestones.order_by("date", "pk"):
        row = {
            "id": m.pk,
            "agency": m.agency,
            "jurisdiction": m.jurisdiction,
            "kind": m.kind,
            "title": m.title,
            "summary": m.summary,
            "outcome_details": m.outcome_details,
            "trial_keys": _published_keys(m.trials.all()),
            "publication_ids": _joined(p.pk for p in m.publications.all()),
        }
        yield {**spread_dates(row, m, ["date"]), **_editorial(m)}


def publication_rows():
    publications = Publication.objects.published().prefetch_related(
        Prefetch("trials", queryset=published_trials())
    )
    names = ["title", "authors", "first_author", "journal", "year", "citation", "doi", "pmid"]
    names += ["kind", "retraction_status", "retraction_date", "retraction_notice"]
    for p in publications.order_by("pk"):
        row = {"id": p.pk, **{n: getattr(p, n) for n in names}}
        row["external_url"] = p.url
        row["trial_keys"] = _published_keys(p.trials.all())
        yield {**row, **_editorial(p)}


def estimate_rows():
    estimates = EffectEstimate.objects.published().select_related("trial", "source_publication")
    names = ["label", "outcome_measure", "comparison", "metric", "value", "ci_low", "ci_high"]
    names += ["ci_level", "se", "n_treatment", "n_control", "p_value_raw", "time_point"]
    names += ["randomised_controlled"]
    for e in estimates.order_by("pk"):
        trial, source = e.trial, e.source_publication
        row = {"id": e.pk, **{n: getattr(e, n) for n in names}}
        row["trial_key"] = trial.url_key if trial and trial.is_published else None
        row["source_publication_id"] = source.pk if source and source.is_published else None
        editorial = _editorial(e)
        editorial.pop("url_path")
        yield {**row, **editorial}
