"""The review queue on the admin index: records in review, and trials whose registry record
changed in a way that matters, each with a "mark reviewed" button."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial import queue, workflow
from editorial.admin import EditorialAdmin
from editorial.models import State
from evidence.models import RegulatoryMilestone
from tests.admin_forms import logged_in
from trials.models import Trial, TrialChange

MAPP1 = "NCT03537014"


def _queue(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response


def status_change(trial, significant=True, **extra) -> TrialChange:
    values = {
        "field": "overall_status",
        "old_value": "ACTIVE_NOT_RECRUITING",
        "new_value": "TERMINATED",
        "significant": significant,
    }
    return TrialChange.objects.create(trial=trial, **(values | extra))


def changed_trial_ids(response) -> set[int]:
    text = response.content.decode()
    return {trial.pk for trial in Trial.objects.all() if f'data-trial="{trial.pk}"' in text}


@pytest.fixture
def mapp1(seeded):
    return Trial.objects.get(nct_id=MAPP1)


@pytest.mark.django_db
def test_a_status_change_from_the_registry_puts_the_trial_in_the_review_queue(editor, mapp1):
    status_change(mapp1)
    response = _queue(logged_in(editor))
    assert changed_trial_ids(response) == {mapp1.pk}
    text = response.content.decode()
    assert "ACTIVE_NOT_RECRUITING &rarr; TERMINATED" in text
    assert "Mark reviewed" in text


@pytest.mark.django_db
def test_changes_that_do_not_matter_stay_out_of_the_queue(editor, mapp1):
    status_change(mapp1, significant=False, field="brief_title")
    assert changed_trial_ids(_queue(logged_in(editor))) == set()


@pytest.mark.django_db
def test_mark_reviewed_takes_the_trial_out_of_the_queue_and_names_the_reviewer(editor, mapp1):
    change = status_change(mapp1)
    other = Trial.objects.exclude(pk=mapp1.pk).first()
    status_change(other)
    client = logged_in(editor)
    response = client.post(
        reverse("admin:trials_trialchange_mark_trial_reviewed", args=[mapp1.pk]), follow=True
    )
    assert changed_trial_ids(response) == {other.pk}
    change.refresh_from_db()
    assert change.reviewed_by == editor
    assert change.reviewed_at is not None


@pytest.mark.django_db
def test_mark_reviewed_refuses_a_get_and_changes_nothing(editor, mapp1):
    change = status_change(mapp1)
    url = reverse("admin:trials_trialchange_mark_trial_reviewed", args=[mapp1.pk])
    assert logged_in(editor).get(url).status_code == 405
    change.refresh_from_db()
    assert change.reviewed_at is None


@pytest.mark.django_db
def test_staff_without_a_role_cannot_mark_changes_reviewed(make_staff, mapp1):
    change = status_change(mapp1)
    url = reverse("admin:trials_trialchange_mark_trial_reviewed", args=[mapp1.pk])
    assert logged_in(make_staff("visitor", group=None)).post(url).status_code == 403
    change.refresh_from_db()
    assert change.reviewed_at is None


@pytest.mark.django_db
def test_the_change_list_action_marks_selected_changes_reviewed(editor, mapp1):
    first, second = status_change(mapp1), status_change(mapp1, field="enrollment")
    logged_in(editor).post(
        reverse("admin:trials_trialchange_changelist"),
        {"action": "mark_reviewed", "_selected_action": [first.pk]},
    )
    assert list(TrialChange.objects.awaiting_review()) == [second]


@pytest.mark.django_db
def test_records_in_review_are_listed_until_published(make_staff, lead_editor):
    author = make_staff("author")
    milestone = RegulatoryMilestone.objects.create(
        date=datetime.date(2025, 1, 2),
        agency="TGA",
        jurisdiction="AU",
        kind="rescheduling",
        title="TGA down-schedules MDMA for prescribed PTSD treatment",
        sources="https://example.org/tga",
        last_edited_by=author,
    )
    client = logged_in(lead_editor)
    assert milestone.title not in _queue(client).content.decode()
    workflow.submit_for_review(milestone, author)
    text = _queue(client).content.decode()
    assert "Regulatory milestones in review (1)" in text
    assert milestone.title in text
    workflow.publish(milestone, lead_editor)
    assert milestone.state == State.PUBLISHED
    assert milestone.title not in _queue(client).content.decode()


@pytest.mark.django_db
def test_the_queue_costs_the_same_queries_however_long_it_is(editor, mapp1):
    client = logged_in(editor)
    status_change(mapp1)
    client.get(reverse("admin:index"))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as short:
        client.get(reverse("admin:index"))
    for trial in Trial.objects.all():
        for field in ("overall_status", "enrollment", "completion_date"):
            status_change(trial, field=field)
    with CaptureQueriesContext(connection) as long:
        response = client.get(reverse("admin:index"))
    assert len(changed_trial_ids(response)) > 1
    assert len(long.captured_queries) == len(short.captured_queries)


def test_every_curated_admin_registers_itself_in_the_queue_of_its_own_site():
    listed = {model_admin.model for model_admin in queue.registered(admin.site)}
    assert {Trial, RegulatoryMilestone} <= listed
    # Admins of another site (a second admin, or one built in a test) stay off this queue.
    other_site = admin.AdminSite(name="other")
    EditorialAdmin(Trial, other_site)
    assert [ma.model for ma in queue.registered(other_site)] == [Trial]
    assert all(ma.admin_site == admin.site for ma in queue.registered(admin.site))
