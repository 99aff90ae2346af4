"""The public "changes" list of a trial: registry changes and published editorial changes.

Never exposes editors' personal data (no user names, no internal notes, no reasons).
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

from editorial.models import State
from trials.field_text import field_text
from trials.models import Organization, Trial

# Fields whose editorial corrections the public sees; internal and workflow fields never.
PUBLIC_EDITORIAL_FIELDS = [*Trial.LOCKABLE_FIELDS, "sources", "verified", "unverified_note"]
# How many saved versions to read back: enough for any trial's list, bounded for speed.
VERSIONS_READ = 200


@dataclass(frozen=True)
class PublicChange:
    when: datetime
    source: str  # "registry" or "editors"
    field: str
    old: str
    new: str

    @property
    def field_label(self) -> str:
        """The field in words ("Brief title"); log entries that are not fields stay as written."""
        try:
            return capfirst(Trial._meta.get_field(self.field).verbose_name)
        except FieldDoesNotExist:
            return capfirst(self.field.replace("_", " "))

    def _words(self, value: str) -> str:
        try:
            choices = dict(Trial._meta.get_field(self.field).flatchoices)
        except FieldDoesNotExist:
            return value
        return str(choices.get(value, value))

    @property
    def old_text(self) -> str:
        """The old value in words: a registry code becomes its label (RECRUITING → Recruiting)."""
        return self._words(self.old)

    @property
    def new_text(self) -> str:
        return self._words(self.new)


def _registry_changes(trial, limit: int) -> list[PublicChange]:
    rows = trial.changes.filter(applied=True).order_by("-created_at")[:limit]
    return [PublicChange(r.created_at, "registry", r.field, r.old_value, r.new_value) for r in rows]


def editorial_changes(versions) -> list[tuple[object, object, str]]:
    """(older, newer, field) for each public field an editor changed on a published trial.

    ``versions`` are a trial's history rows, newest first. Only edits made by a person
    (imports save without a user; their changes are listed from the import's own log)
    between two published versions count: what changed while a trial was a draft was
    never public.
    """
    found = []
    for newer, older in zip(versions, versions[1:], strict=False):
        if newer.history_user_id is None or newer.history_type != "~":
            continue
        if newer.state != State.PUBLISHED or older.state != State.PUBLISHED:
            continue
        for field in PUBLIC_EDITORIAL_FIELDS:
            attname = "lead_sponsor_id" if field == "lead_sponsor" else field
            if getattr(newer, attname) != getattr(older, attname):
                found.append((older, newer, field))
    return found


def public_changes(trial, limit: int = 50) -> list[PublicChange]:
    """Registry changes applied by imports and editors' published corrections, newest first."""
    versions = list(trial.history.order_by("-history_date", "-history_id")[:VERSIONS_READ])
    edits = editorial_changes(versions)
    sponsor_ids = {v.lead_sponsor_id for o, n, _ in edits for v in (o, n) if v.lead_sponsor_id}
    organizations = (
        dict(Organization.objects.filter(pk__in=sponsor_ids).values_list("pk", "name"))
        if sponsor_ids
        else {}
    )
    changes = _registry_changes(trial, limit) + [
        PublicChange(
            newer.history_date,
            "editors",
            field,
            field_text(older, field, organizations),
            field_text(newer, field, organizations),
        )
        for older, newer, field in edits
    ]
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]
