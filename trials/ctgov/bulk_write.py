"""Page-wide writes shared by the bulk writers of new studies (trials.ctgov.bulk_create)
and of changed ones (trials.ctgov.bulk_update): a few statements per page, whatever
its size. Bulk inserts send no signals; the page's caller notes the trials it touched.
"""

from django.contrib.postgres.search import SearchVector
from django.db import connection

from trials.models import Arm, Intervention, Trial

BATCH = 500


def insert_links(links: dict) -> None:
    """Insert many-to-many links: for each relation of Trial (e.g. ``Trial.phases``), a
    list of (trial id, other id) pairs."""
    for relation, pairs in links.items():
        through = relation.through
        own, other = relation.field.m2m_field_name(), relation.field.m2m_reverse_field_name()
        through.objects.bulk_create(
            [through(**{f"{own}_id": pk, f"{other}_id": ok}) for pk, ok in pairs],
            batch_size=BATCH,
            ignore_conflicts=True,
        )


def insert_interventions(items: list[tuple[Intervention, list[str]]], arms: list[Arm]) -> None:
    """Insert interventions, each linked to its trial's arms by label (case folded)."""
    by_label = {(a.trial_id, a.label.casefold()): a for a in arms}
    rows = [item for item, _ in items]
    Intervention.objects.bulk_create(rows, batch_size=BATCH)
    if rows and rows[0].pk is None:  # databases that do not return ids from bulk inserts
        trial_ids = {row.trial_id for row in rows}
        stored = Intervention.objects.filter(trial_id__in=trial_ids).order_by("pk")
        for row, saved in zip(rows, stored, strict=True):
            row.pk = saved.pk
    through = Intervention.arms.through
    through.objects.bulk_create(
        [
            through(intervention_id=item.pk, arm_id=by_label[key].pk)
            for item, labels in items
            for key in dict.fromkeys((item.trial_id, label.casefold()) for label in labels)
            if key in by_label
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def refresh_search_vectors(trial_ids) -> None:
    """Rebuild the search vectors of these trials from their stored search text
    (PostgreSQL only), one UPDATE for the page."""
    if connection.vendor == "postgresql":
        Trial.objects.filter(pk__in=list(trial_ids)).update(
            search_vector=SearchVector("search_text", config="english")
        )
