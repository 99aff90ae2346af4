"""The editors' review queue on the admin index: records awaiting review, and trials whose
registry record changed in a way that matters since an editor last looked."""

from dataclasses import dataclass, field

from django.contrib import admin
from django.urls import reverse

from trials.admin.editorial import EditorialAdmin
from trials.curation import State
from trials.models import RefusedStudy, Trial, TrialChange

# The index shows a bounded slice so it costs the same few queries however long the queue.
RECORDS_SHOWN = 10
CHANGES_SHOWN = 50


@dataclass
class ReviewGroup:
    label: str
    total: int
    records: list[tuple[object, str]]  # (record, its admin change URL)
    changelist_url: str


@dataclass
class ChangedTrial:
    trial: Trial
    changes: list[TrialChange] = field(default_factory=list)


@dataclass
class ReviewQueue:
    in_review: list[ReviewGroup]
    changed_trials: list[ChangedTrial]
    changes_total: int
    off_topic: list[Trial] = field(default_factory=list)  # drafts the topic guard held back
    off_topic_total: int = 0
    refused: list[RefusedStudy] = field(default_factory=list)  # latest refusal per study
    refused_total: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.in_review or self.changed_trials or self.off_topic or self.refused)


def _editorial_admins(site):
    # Found through the admin registry, so this module never imports the evidence app.
    return [ma for ma in site._registry.values() if isinstance(ma, EditorialAdmin)]


def review_queue(request, site=admin.site) -> ReviewQueue:
    groups = []
    for model_admin in _editorial_admins(site):
        if not model_admin.has_view_or_change_permission(request):
            continue
        opts = model_admin.model._meta
        waiting = model_admin.model.objects.in_review().order_by("-updated_at")
        total = waiting.count()
        if total:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            groups.append(
                ReviewGroup(
                    str(opts.verbose_name_plural).capitalize(),
                    total,
                    [
                        (
                            r,
                            reverse(
                                f"admin:{opts.app_label}_{opts.model_name}_change", args=[r.pk]
                            ),
                        )
                        for r in waiting[:RECORDS_SHOWN]
                    ],
                    f"{url}?state__exact={State.IN_REVIEW}",
                )
            )
    changed: dict[int, ChangedTrial] = {}
    total = 0
    if request.user.has_perm("trials.view_trialchange"):
        waiting = TrialChange.objects.awaiting_review()
        total = waiting.count()
        rows = waiting.select_related("trial").order_by("-created_at", "field")[:CHANGES_SHOWN]
        for change in rows:
            changed.setdefault(change.trial_id, ChangedTrial(change.trial)).changes.append(change)
    queue = ReviewQueue(groups, list(changed.values()), total)
    if request.user.has_perm("trials.view_trial"):
        held = Trial.objects.exclude(off_topic_reason="").filter(state=State.DRAFT)
        queue.off_topic_total = held.count()
        queue.off_topic = list(held.order_by("nct_id")[:RECORDS_SHOWN])
    if request.user.has_perm("trials.view_refusedstudy"):
        _add_refused(queue)
    return queue


def _add_refused(queue: ReviewQueue) -> None:
    """Studies refused and not imported since: the latest refusal of each."""
    latest: dict[str, RefusedStudy] = {}
    rows = RefusedStudy.objects.unresolved().select_related("run").order_by("-refused_at")
    for row in rows[: CHANGES_SHOWN * 4]:
        latest.setdefault(row.nct_id or f"#{row.pk}", row)
    queue.refused = list(latest.values())[:CHANGES_SHOWN]
    queue.refused_total = len(latest)
