"""The public "changes" list of a trial: registry changes and published editorial changes.

Never exposes editors' personal data (no user names, no internal notes).
"""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PublicChange:
    when: datetime
    source: str  # "registry" or "editors"
    field: str
    old: str
    new: str


def public_changes(trial, limit: int = 50) -> list[PublicChange]:
    """Registry changes applied by imports, newest first (editorial changes: to come)."""
    rows = trial.changes.filter(applied=True).order_by("-created_at")[:limit]
    return [PublicChange(r.created_at, "registry", r.field, r.old_value, r.new_value) for r in rows]
