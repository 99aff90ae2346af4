"""Keep the facet rows and the cache's data version in step with every ORM write.

Bulk writers (bulk_create, QuerySet.update) send no signals: they call
``Trial.objects.refresh_facets(ids)`` and ``bump_data_version()`` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from trials.datacache import bump_data_version
from trials.models import Condition, CuratedTrialFacts, Site, Trial, TrialFacetValue
from trials.models.facet_values import refresh_facets

# Apps whose records appear on public pages (counts, syntheses, lists).
VERSIONED_APPS = {"trials", "evidence", "editorial"}


def _bump(sender, **kwargs):
    if sender._meta.app_label in VERSIONED_APPS:
        bump_data_version()


def _trial_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_facets([instance.pk])


def _related_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.trial_id and Trial.objects.filter(pk=instance.trial_id).exists():
        refresh_facets([instance.trial_id])


def _trial_deleted(sender, instance, **kwargs):
    # A trial's sites and curated facts are deleted before it, and their handlers rebuild
    # its facet rows; those rows would outlive the trial, so they go with it here.
    TrialFacetValue.objects.filter(trial_id=instance.pk).delete()


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            refresh_facets([instance.pk])
        return
    # From the phase's or condition's side: the trials are pk_set, or on a clear
    # the trials linked just before it.
    if action == "pre_clear":
        links = sender.objects.filter(**{instance._meta.model_name: instance.pk})
        instance._facet_trials = list(links.values_list("trial_id", flat=True))
    elif action == "post_clear":
        refresh_facets(getattr(instance, "_facet_trials", []))
    elif action in {"post_add", "post_remove"}:
        refresh_facets(pk_set)


def _condition_renamed(sender, instance, created=False, raw=False, **kwargs):
    if not created and not raw:
        refresh_facets(instance.trials.values_list("pk", flat=True))


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
