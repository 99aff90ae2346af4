"""The editors' review queue on the admin index: records awaiting review, and trials whose
registry record changed in a way that matters since an editor last looked."""

from dataclasses import dataclass, field

from django.contrib import admin

from editorial.models import State
from editorial.queue import RECORDS_SHOWN, ReviewGroup, in_review_groups
from trials.models import RefusedStudy, Trial, TrialChange

CHANGES_SHOWN = 50


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


def review_queue(request, site=admin.site) -> ReviewQueue:
    groups = in_review_groups(request, site)
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
