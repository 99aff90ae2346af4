"""Field locks on the trial change form: the lock inline and the registry's value beside
each locked field."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from trials.field_text import field_text
from trials.models import FieldLock, Trial


def display_value(trial: Trial, field: str, raw: str) -> str:
    """A registry code as an editor reads it, e.g. 'COMPLETED' -> 'Completed'."""
    choices = getattr(Trial._meta.get_field(field), "choices", None)
    if choices and raw:
        return dict(choices).get(raw, raw)
    return raw


def registry_differs(lock: FieldLock, trial: Trial) -> bool:
    if not lock.registry_value_seen_at and not lock.registry_value:
        return False  # the import has not looked at this field since it was locked
    return lock.registry_value.strip().casefold() != field_text(trial, lock.field).casefold()


def lock_note(lock: FieldLock, trial: Trial) -> str:
    """HTML shown under a locked field (the admin renders help text unescaped)."""
    note = format_html("<strong>Locked</strong>: {}", lock.reason)
    if registry_differs(lock, trial):
        note += format_html(
            ' <span class="registry-value">Registry now says: <strong>{}</strong>{}</span>',
            display_value(trial, lock.field, lock.registry_value) or "(blank)",
            format_html(" (seen {})", f"{lock.registry_value_seen_at:%Y-%m-%d}")
            if lock.registry_value_seen_at
            else "",
        )
    return note


class FieldLockForm(forms.ModelForm):
    field = forms.ChoiceField(
        choices=[
            (name, str(Trial._meta.get_field(name).verbose_name).capitalize())
            for name in Trial.LOCKABLE_FIELDS
        ]
    )

    class Meta:
        model = FieldLock
        fields = ["field", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2, "cols": 50})}


class FieldLockInline(admin.TabularInline):
    model = FieldLock
    form = FieldLockForm
    extra = 0
    fields = [
        "field",
        "reason",
        "locked_by",
        "locked_at",
        "registry_value",
        "registry_value_seen_at",
    ]
    readonly_fields = ["locked_by", "locked_at", "registry_value", "registry_value_seen_at"]
    verbose_name = "field lock"
    verbose_name_plural = "field locks (the import keeps these fields as editors set them)"
