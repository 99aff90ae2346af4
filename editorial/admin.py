"""What every curated model's admin shares: workflow actions, change reasons, history diffs.

The publishing state is never edited in a form: it only moves through the actions, so
the rules in ``editorial.workflow`` (sources, a second reviewer, permissions) always apply.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from editorial import queue, workflow
from editorial.history import compare_versions

# simple-history stores the reason in a 100-character column.
CHANGE_REASON_MAX = 100
WORKFLOW_FIELDS = [
    "state",
    "last_edited_by",
    "submitted_by",
    "published_by",
    "published_at",
    "withdrawn_at",
    "withdrawn_reason",
]


# The change form's buttons: step name in the URL → (workflow function, past tense).
WORKFLOW_STEPS = {
    "submit": (workflow.submit_for_review, "submitted for review"),
    "publish": (workflow.publish, "published"),
    "draft": (workflow.return_to_draft, "returned to draft"),
}


class EditorialForm(forms.ModelForm):
    change_reason = forms.CharField(
        max_length=CHANGE_REASON_MAX,
        help_text="Why you made this change, e.g. 'corrected enrollment from the paper'. "
        "Kept in the record's history.",
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Shown publicly on the record's page, e.g. 'retracted by the journal'.",
    )


class EditorialAdmin(SimpleHistoryAdmin):
    """Base admin of a curated (``Editorial``) model."""

    form = EditorialForm
    object_history_list_template = "admin/editorial/object_history_list.html"
    actions = ["submit_for_review", "return_to_draft", "publish", "withdraw"]
    # Editors paste bare hosts; https is the right guess (and Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    editorial_list_filter = [
        "state",
        ("last_edited_by", admin.RelatedOnlyFieldListFilter),
        "updated_at",
    ]

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # Every curated model's records in review appear on the admin index's queue.
        queue.register(self)

    def get_list_filter(self, request):
        own = [f for f in super().get_list_filter(request) if f != "state"]
        return [*self.editorial_list_filter, *own]

    def get_search_fields(self, request):
        fields = list(super().get_search_fields(request))
        return fields if "sources" in fields else [*fields, "sources"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *WORKFLOW_FIELDS]

    def has_publish_permission(self, request):
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def save_model(self, request, obj, form, change):
        obj.last_edited_by = request.user
        obj._change_reason = form.cleaned_data.get("change_reason", "")
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        # Inline rows with their own history carry the parent's reason and editor.
        reason = form.cleaned_data.get("change_reason", "")
        for inline_form in formset.forms:
            inline_form.instance._change_reason = reason
            inline_form.instance._history_user = request.user
        super().save_formset(request, form, formset, change)

    # Actions ---------------------------------------------------------------------

    def _run(self, request, queryset, step, done: str, *args):
        count = 0
        for record in queryset:
            try:
                step(record, request.user, *args)
            except workflow.WorkflowError as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, f"{count} record(s) {done}.", messages.SUCCESS)

    @admin.action(description="Submit selected for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._run(request, queryset, workflow.submit_for_review, "submitted for review")

    @admin.action(description="Publish selected", permissions=["publish"])
    def publish(self, request, queryset):
        self._run(request, queryset, workflow.publish, "published")

    @admin.action(description="Send selected back to draft", permissions=["change"])
    def return_to_draft(self, request, queryset):
        self._run(request, queryset, workflow.return_to_draft, "returned to draft")

    @admin.action(description="Withdraw selected (asks for a reason)", permissions=["publish"])
    def withdraw(self, request, queryset):
        form = WithdrawForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._run(
                request, queryset, workflow.withdraw, "withdrawn", form.cleaned_data["reason"]
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Withdraw: give a reason",
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/editorial/withdraw.html", context)

    def get_historical_record_context_helper(self, request, historical_record):
        # Editors compare whole values: simple-history's default cuts them to 100 characters.
        return HistoricalRecordContextHelper(
            self.model, historical_record, max_displayed_delta_change_chars=1_000_000
        )

    # Workflow buttons on the change form ---------------------------------------

    change_form_template = "admin/editorial/change_form.html"

    def workflow_buttons(self, request, obj) -> list[tuple[str, str]]:
        """(step, label) of each move the record's state allows and the user may make."""
        if obj is None:
            return []
        may_publish = self.has_publish_permission(request)
        offered = {
            workflow.State.DRAFT: [("submit", "Submit for review"), ("publish", "Publish")],
            workflow.State.IN_REVIEW: [("publish", "Publish"), ("draft", "Send back to draft")],
            workflow.State.PUBLISHED: [("withdraw", "Withdraw…")],
        }.get(obj.state, [])
        return [(s, label) for s, label in offered if may_publish or s in ("submit", "draft")]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra = {"workflow_buttons": self.workflow_buttons(request, obj), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    def workflow_view(self, request, object_id, step):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or step not in (*WORKFLOW_STEPS, "withdraw"):
            raise Http404("No such record or step.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        opts = self.model._meta
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        if step == "withdraw":
            queryset = self.model._default_manager.filter(pk=obj.pk)
            response = self.withdraw(request, queryset)
            return response or HttpResponseRedirect(change_url)
        step_function, done = WORKFLOW_STEPS[step]
        self._run(request, [obj], step_function, done)
        return HttpResponseRedirect(change_url)

    # History diff ----------------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.history_compare_view),
            name=f"{opts.app_label}_{opts.model_name}_history_compare",
        )
        step = path(
            "<path:object_id>/workflow/<str:step>/",
            self.admin_site.admin_view(self.workflow_view),
            name=f"{opts.app_label}_{opts.model_name}_workflow",
        )
        return [compare, step, *super().get_urls()]

    def history_compare_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such record.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        opts = self.model._meta
        history_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        try:
            comparison = compare_versions(
                obj.history.all(), request.GET.get("older"), request.GET.get("newer")
            )
        except ValueError as problem:
            self.message_user(request, str(problem), messages.ERROR)
            return HttpResponseRedirect(history_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare versions: {obj}",
            "opts": opts,
            "object": obj,
            "comparison": comparison,
            "history_url": history_url,
        }
        return TemplateResponse(request, "admin/editorial/history_compare.html", context)
