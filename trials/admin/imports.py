"""Read-only admin for the import's run log and field-level change log, and field locks."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from editorial import workflow
from trials.admin.trial import TRIAL_SEARCH
from trials.models import FieldLock, ImportRun, RefusedStudy, Trial, TrialChange


def mark_changes_reviewed(changes, user, when=None) -> int:
    """Take registry changes out of the review queue; returns how many were marked."""
    workflow.require_permission(user, "trials.change_trial", "review registry changes")
    return changes.filter(reviewed_at__isnull=True).update(
        reviewed_at=when or timezone.now(), reviewed_by=user
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RefusedStudyInline(admin.TabularInline):
    """The studies a run refused, with why: shown on the run's page."""

    model = RefusedStudy
    fields = ["nct_id", "error", "resolved_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RefusedStudy)
class RefusedStudyAdmin(ReadOnlyAdmin):
    list_display = ["nct_id", "error", "run", "refused_at", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["nct_id", "error"]
    list_select_related = ["run"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    inlines = [RefusedStudyInline]
    list_display = ["started_at", "status", "mode", *ImportRun.COUNTS, "data_timestamp"]
    list_filter = ["status", "mode"]


class AwaitingReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("awaiting", "Awaiting review"), ("reviewed", "Reviewed")]

    def queryset(self, request, queryset):
        if self.value() == "awaiting":
            return queryset.awaiting_review()
        if self.value() == "reviewed":
            return queryset.filter(reviewed_at__isnull=False)
        return queryset


@admin.register(TrialChange)
class TrialChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "trial",
        "field",
        "old_value",
        "new_value",
        "applied",
        "significant",
        "created_at",
        "reviewed_at",
        "reviewed_by",
    ]
    list_filter = [AwaitingReviewFilter, "significant", "applied", "field"]
    search_fields = [*TRIAL_SEARCH, "field"]
    list_select_related = ["trial", "reviewed_by"]
    actions = ["mark_reviewed"]

    def has_review_permission(self, request):
        return request.user.has_perm("trials.change_trial")

    @admin.action(description="Mark selected changes reviewed", permissions=["review"])
    def mark_reviewed(self, request, queryset):
        count = mark_changes_reviewed(queryset, request.user)
        self.message_user(request, f"{count} change(s) marked reviewed.", messages.SUCCESS)

    def get_urls(self):
        mark = path(
            "trial/<int:trial_id>/mark-reviewed/",
            self.admin_site.admin_view(self.mark_trial_reviewed_view),
            name="trials_trialchange_mark_trial_reviewed",
        )
        return [mark, *super().get_urls()]

    def mark_trial_reviewed_view(self, request, trial_id):
        """The review queue's per-trial button: every change of one trial, reviewed."""
        return require_POST(self._mark_trial_reviewed)(request, trial_id)

    def _mark_trial_reviewed(self, request, trial_id):
        if not self.has_review_permission(request):
            raise PermissionDenied
        trial = get_object_or_404(Trial, pk=trial_id)
        count = mark_changes_reviewed(TrialChange.objects.filter(trial=trial), request.user)
        self.message_user(request, f"{trial}: {count} change(s) marked reviewed.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:index"))


@admin.register(FieldLock)
class FieldLockAdmin(admin.ModelAdmin):
    list_display = ["trial", "field", "reason", "locked_by", "locked_at", "registry_value"]
    search_fields = [*TRIAL_SEARCH, "field"]
    autocomplete_fields = ["trial"]
    readonly_fields = ["locked_by", "registry_value", "registry_value_seen_at"]
    list_select_related = ["trial", "locked_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.locked_by = request.user
        super().save_model(request, obj, form, change)
