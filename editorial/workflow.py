"""The editorial workflow: who may move a curated record between draft, review, published
and withdrawn, and what each step records.

Plain functions so the admin actions, commands and tests share one set of rules. Each
either saves the record (with a history entry naming the user and the step) or raises
``WorkflowError`` with a message fit to show the editor, leaving the record untouched.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from editorial.models import State, split_sources


class WorkflowError(Exception):
    """A workflow step was refused; the message says why, in an editor's words."""


def publish_permission(record) -> str:
    opts = record._meta
    return f"{opts.app_label}.publish_{opts.model_name}"


def change_permission(record) -> str:
    opts = record._meta
    return f"{opts.app_label}.change_{opts.model_name}"


def can_publish(user, record) -> bool:
    return bool(user and user.is_active and user.has_perm(publish_permission(record)))


def has_source(record) -> bool:
    # A registry trial's source is its registry record; curated records need their own.
    return bool(split_sources(record.sources)) or not record.sources_required()


def _save(record, user, reason: str) -> None:
    record._history_user = user
    record._change_reason = reason
    record.save()


def require_permission(user, permission: str, doing: str) -> None:
    """Refuse with a ``WorkflowError`` unless ``user`` is active and has ``permission``."""
    if not (user and user.is_active and user.has_perm(permission)):
        raise WorkflowError(f"You do not have permission to {doing}.")


def publish_refusal(record, user) -> str:
    """Why ``user`` may not publish ``record`` now, or an empty string if they may."""
    if not can_publish(user, record):
        return f"You do not have permission to publish “{record}”; a lead editor must."
    if record.state == State.PUBLISHED:
        return f"“{record}” is already published."
    if not has_source(record):
        return f"“{record}” has no source; add at least one before publishing."
    # An estimate made public would carry its draft trial or paper along with it.
    blockers = record.unpublished_parents() if hasattr(record, "unpublished_parents") else []
    if blockers:
        return f"“{record}” cannot be published while {'; '.join(blockers)}; publish it first."
    if (
        settings.REQUIRE_SECOND_REVIEWER
        and record.last_edited_by_id is not None
        and record.last_edited_by_id == user.pk
    ):
        return f"You made the last edit to “{record}”; another editor must review and publish it."
    return ""


@transaction.atomic
def submit_for_review(record, user) -> None:
    """Ask for a second pair of eyes: a draft goes into the review queue."""
    require_permission(user, change_permission(record), f"submit “{record}” for review")
    if record.state != State.DRAFT:
        raise WorkflowError(
            f"Only drafts can be submitted for review; “{record}” is {record.get_state_display()}."
        )
    if not has_source(record):
        raise WorkflowError(f"“{record}” has no source; add at least one before review.")
    record.state = State.IN_REVIEW
    record.submitted_by = user
    _save(record, user, "Submitted for review")


@transaction.atomic
def publish(record, user, when=None) -> None:
    """Make a record public, if its sources and reviewer allow it."""
    refusal = publish_refusal(record, user)
    if refusal:
        raise WorkflowError(refusal)
    record.mark_published(user=user, when=when or timezone.now())
    record.withdrawn_reason = ""
    _save(record, user, "Published")


@transaction.atomic
def withdraw(record, user, reason: str, when=None) -> None:
    """Take a published record down, leaving a public "withdrawn on, because" page."""
    require_permission(user, publish_permission(record), f"withdraw “{record}”")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Say why the record is withdrawn; the reason is shown publicly.")
    if record.state != State.PUBLISHED:
        raise WorkflowError(
            f"Only published records can be withdrawn; “{record}” is {record.get_state_display()}."
        )
    record.mark_withdrawn(reason, when=when or timezone.now())
    _save(record, user, f"Withdrawn: {reason}")


@transaction.atomic
def return_to_draft(record, user) -> None:
    """Send a record in review back to its editors.

    A record that has been public is never returned to draft: its address would start
    answering 404. It is withdrawn instead, so the address explains what happened.
    """
    require_permission(user, change_permission(record), f"return “{record}” to draft")
    if record.state in (State.PUBLISHED, State.WITHDRAWN):
        raise WorkflowError(
            f"“{record}” has been public; withdraw it instead, so its page says why."
        )
    if record.state == State.DRAFT:
        raise WorkflowError(f"“{record}” is already a draft.")
    record.state = State.DRAFT
    _save(record, user, "Returned to draft")
