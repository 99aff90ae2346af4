"""The review queue's registry: which curated models' records in review the admin index lists.

Each ``EditorialAdmin`` registers itself here when its admin site creates it, so the
queue finds every curated model without importing the apps that define them or reading
the admin site's private registry.
"""

from dataclasses import dataclass

from django.contrib import admin
from django.urls import reverse

from editorial.models import State

# The index shows a bounded slice so it costs the same few queries however long the queue.
RECORDS_SHOWN = 10

# Admin site → {model: its model admin}; keyed by site so a throwaway site in a test
# never adds to the real admin's queue.
_registry: dict[admin.AdminSite, dict[type, admin.ModelAdmin]] = {}


@dataclass
class ReviewGroup:
    label: str
    total: int
    records: list[tuple[object, str]]  # (record, its admin change URL)
    changelist_url: str


def register(model_admin: admin.ModelAdmin) -> None:
    """List ``model_admin``'s records in review on its admin site's review queue."""
    _registry.setdefault(model_admin.admin_site, {})[model_admin.model] = model_admin


def registered(site=admin.site) -> list[admin.ModelAdmin]:
    """The model admins whose records the queue lists, in registration order."""
    return list(_registry.get(site, {}).values())


def _admin_url(opts, view: str, *args) -> str:
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def in_review_groups(request, site=admin.site) -> list[ReviewGroup]:
    """Records waiting for review, one group per model the user may see."""
    groups = []
    for model_admin in registered(site):
        if not model_admin.has_view_or_change_permission(request):
            continue
        opts = model_admin.model._meta
        waiting = model_admin.model.objects.in_review().order_by("-updated_at")
        total = waiting.count()
        if total:
            groups.append(
                ReviewGroup(
                    str(opts.verbose_name_plural).capitalize(),
                    total,
                    [(r, _admin_url(opts, "change", r.pk)) for r in waiting[:RECORDS_SHOWN]],
                    f"{_admin_url(opts, 'changelist')}?state__exact={State.IN_REVIEW}",
                )
            )
    return groups
