"""Keep the facet rows and the cache's data version in step with every ORM write.

Bulk writers (bulk_create, QuerySet.update) send no signals: they call
``Trial.objects.refresh_facets(ids)`` and ``bump_data_version()`` themselves, or
write inside ``batched_facets()``, which refreshes every trial noted once, at the end.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import m2m_changed, post_delete, post_save

from trials.datacache import bump_data_version
from trials.models import Condition, CuratedTrialFacts, Site, Trial, TrialFacetValue
from trials.models.facet_values import refresh_facets

# Apps whose records appear on public pages (counts, syntheses, lists).
VERSIONED_APPS = {"trials", "evidence", "editorial"}
# The trial ids a batch will refresh at its end; None outside a batch.
_batch: ContextVar[set[int] | None] = ContextVar("facet_batch", default=None)


@contextmanager
def batched_facets() -> Iterator[set[int]]:
    """Within: writes only note the trials they touch (add bulk writes' ids to the set
    yielded); at the end, if nothing raised, every noted trial's facet rows are rewritten
    in one bulk refresh, which also bumps the data version once.

    An import page saves thousands of rows; refreshing per save cost a delete and an
    insert per row and a cache write per save.
    """
    ids: set[int] = set()
    token = _batch.set(ids)
    try:
        yield ids
        # Still inside the batch: the refresh deletes a row per facet value, and each
        # delete's signal would otherwise write the cache's version (twice, with commit).
        refresh_facets(ids)
    finally:
        _batch.reset(token)


def _refresh(trial_ids) -> None:
    batch = _batch.get()
    if batch is None:
        refresh_facets(trial_ids)
    else:
        batch.update(trial_ids)


def _bump(sender, **kwargs):
    # Inside a batch the closing refresh bumps the version once.
    if sender._meta.app_label in VERSIONED_APPS and _batch.get() is None:
        bump_data_version()


def _trial_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _refresh([instance.pk])


def _related_changed(sender, instance, raw=False, **kwargs):
    if raw or not instance.trial_id:
        return
    if _batch.get() is not None:  # a deleted trial simply refreshes to no rows
        _refresh([instance.trial_id])
    elif Trial.objects.filter(pk=instance.trial_id).exists():
        refresh_facets([instance.trial_id])


def _trial_deleted(sender, instance, **kwargs):
    # A trial's sites and curated facts are deleted before it, and their handlers rebuild
    # its facet rows; those rows would outlive the trial, so they go with it here.
    TrialFacetValue.objects.filter(trial_id=instance.pk).delete()


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            _refresh([instance.pk])
        return
    # From the phase's or condition's side: the trials are pk_set, or on a clear
    # the trials linked just before it.
    if action == "pre_clear":
        links = sender.objects.filter(**{instance._meta.model_name: instance.pk})
        instance._facet_trials = list(links.values_list("trial_id", flat=True))
    elif action == "post_clear":
        _refresh(getattr(instance, "_facet_trials", []))
    elif action in {"post_add", "post_remove"}:
        _refresh(pk_set)


def _condition_renamed(sender, instance, created=False, raw=False, **kwargs):
    if not created and not raw:
        _refresh(instance.trials.values_list("pk", flat=True))


def connect() -> None:
    post_save.connect(_bump, dispatch_uid="datacache-save")
    post_delete.connect(_bump, dispatch_uid="datacache-delete")
    m2m_changed.connect(_bump, dispatch_uid="datacache-m2m")
    post_save.connect(_trial_saved, sender=Trial, dispatch_uid="facets-trial")
    post_delete.connect(_trial_deleted, sender=Trial, dispatch_uid="facets-trial-delete")
    post_save.connect(_related_changed, sender=Site, dispatch_uid="facets-site-save")
    post_delete.connect(_related_changed, sender=Site, dispatch_uid="facets-site-delete")
    post_delete.connect(
        _related_changed, sender=CuratedTrialFacts, dispatch_uid="facets-curated-delete"
    )
    post_save.connect(_condition_renamed, sender=Condition, dispatch_uid="facets-condition")
    for through in (Trial.phases.through, Trial.conditions.through):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"facets-{through}")
