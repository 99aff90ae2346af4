"""Unsaved registry rows built from parsed data: the one place a parsed record becomes
model instances, shared by the per-study sync (trials.ctgov.relations) and the bulk
writer of new studies (trials.ctgov.bulk_create).
"""

import logging
from functools import cache

from django.db import models

from trials.choices import RecordSource
from trials.ctgov.records import (
    ArmData,
    IdentifierData,
    InterventionData,
    OutcomeData,
    SiteData,
)
from trials.models import Arm, Intervention, OutcomeMeasure, Phase, Site, Trial, TrialIdentifier

logger = logging.getLogger(__name__)
UNKNOWN_PHASE_ORDER = 99
BATCH_SIZE = 500


@cache
def _text_limits(model: type[models.Model]) -> dict[str, int]:
    return {f.name: f.max_length for f in model._meta.fields if getattr(f, "max_length", None)}


def build(model: type[models.Model], **values) -> models.Model:
    """An unsaved row, with over-long text cut to the column's size (and a warning)."""
    limits = _text_limits(model)  # looked up once per model: a page builds thousands of rows
    for name, value in values.items():
        limit = limits.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            logger.warning("%s.%s cut to %d characters", model.__name__, name, limit)
            values[name] = value[: limit - 1] + "…"
    return model(**values)


def unknown_phase(code: str) -> Phase:
    """A phase the registry's vocabulary gained (the parser warned), saved."""
    phase = build(Phase, code=code, label=code, order=UNKNOWN_PHASE_ORDER)
    phase.save()
    return phase


def identifier_rows(
    trial: Trial, identifiers: tuple[IdentifierData, ...], skip=frozenset()
) -> list[TrialIdentifier]:
    """The registry's identifiers, but those whose (kind, value) is in `skip`."""
    return [
        build(TrialIdentifier, trial=trial, record_source=RecordSource.REGISTRY, **fields_of(i))
        for i in identifiers
        if (i.kind, i.value) not in skip
    ]


def site_rows(trial: Trial, sites: tuple[SiteData, ...]) -> list[Site]:
    return [
        build(Site, trial=trial, record_source=RecordSource.REGISTRY, **fields_of(d)) for d in sites
    ]


def outcome_rows(trial: Trial, outcomes: tuple[OutcomeData, ...]) -> list[OutcomeMeasure]:
    return [
        build(OutcomeMeasure, trial=trial, order=order, **fields_of(o))
        for order, o in enumerate(outcomes)
    ]


def dose_fields(dose) -> dict:
    """An arm's dose fields from a parsed dose (amounts in the unit the registry wrote)."""
    return {
        "dose_unit": dose.unit,
        "dose_initial_min": dose.initial_min,
        "dose_initial_max": dose.initial_max,
        "dose_supplemental_min": dose.supplemental_min,
        "dose_supplemental_max": dose.supplemental_max,
        "dosing_sessions": dose.sessions,
        "dose_source_text": dose.source_text,
    }


def arm_rows(trial: Trial, arms: tuple[ArmData, ...], skip=frozenset()) -> list[Arm]:
    """The registry's arms in its order, but those whose folded label is in `skip`."""
    return [
        build(
            Arm,
            trial=trial,
            order=order,
            record_source=RecordSource.REGISTRY,
            **fields_of(a, ("dose",)),
            **dose_fields(a.dose),
        )
        for order, a in enumerate(arms)
        if a.label.casefold() not in skip
    ]


def intervention_rows(
    trial: Trial, interventions: tuple[InterventionData, ...], arm_labels=None
) -> list[tuple[Intervention, list[str]]]:
    """Each intervention with the labels of its arms (only those in `arm_labels`, folded,
    when given)."""
    return [
        (
            build(
                Intervention,
                trial=trial,
                **fields_of(i, ("other_names", "arm_labels")),
                other_names=list(i.other_names),
            ),
            [
                label
                for label in i.arm_labels
                if arm_labels is None or label.casefold() in arm_labels
            ],
        )
        for i in interventions
    ]


def fields_of(data, skip=()) -> dict:
    """A parsed record's fields, named as the model's columns, but those in `skip`."""
    return {k: v for k, v in vars(data).items() if k not in skip}


def insert_ordered(model: type[models.Model], items, skip=(), **parent) -> list:
    """One row per parsed item (its fields but `skip`, numbered in `order`) under `parent`,
    inserted in bulk."""
    return model.objects.bulk_create(
        [build(model, **parent, order=n, **fields_of(item, skip)) for n, item in enumerate(items)],
        batch_size=BATCH_SIZE,
    )
