"""Read-only admin for the import's run log and field-level change log, and field locks."""

from django.contrib import admin

from trials.models import FieldLock, ImportRun, TrialChange


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at",
        "status",
        "mode",
        "fetched",
        "created",
        "updated",
        "unchanged",
        "errors",
        "data_timestamp",
    ]
    list_filter = ["status", "mode"]


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
    ]
    list_filter = ["significant", "applied", "field"]
    search_fields = ["trial__nct_id", "trial__acronym", "field"]
    list_select_related = ["trial"]


@admin.register(FieldLock)
class FieldLockAdmin(admin.ModelAdmin):
    list_display = ["trial", "field", "reason", "locked_by", "locked_at", "registry_value"]
    search_fields = ["trial__nct_id", "trial__acronym", "field"]
    autocomplete_fields = ["trial"]
    readonly_fields = ["locked_by", "registry_value", "registry_value_seen_at"]
    list_select_related = ["trial", "locked_by"]
