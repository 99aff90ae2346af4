"""Field locks in the trial admin: editors lock fields with a reason, and the change form
shows the registry's current value beside a locked field when it differs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import change_form_data, logged_in
from trials.models import FieldLock, Trial

MAPP1 = "NCT03537014"


@pytest.fixture
def mapp1(seeded):
    return Trial.objects.get(nct_id=MAPP1)


def change_page(client, trial):
    return client.get(reverse("admin:trials_trial_change", args=[trial.pk]))


def lock_seen_in_registry(trial, field: str, reason: str, registry_value: str) -> FieldLock:
    """A lock on ``field``, with the value the registry gave for it at the last import."""
    return FieldLock.objects.create(
        trial=trial,
        field=field,
        reason=reason,
        registry_value=registry_value,
        registry_value_seen_at=timezone.now(),
    )


def post_a_new_lock(client, trial, field: str, reason: str, change_reason: str):
    """Post the trial's change form with one lock added after those it already has."""
    data = change_form_data(change_page(client, trial), change_reason=change_reason)
    new = int(data["field_locks-INITIAL_FORMS"])
    data[f"field_locks-{new}-field"] = field
    data[f"field_locks-{new}-reason"] = reason
    data["field_locks-TOTAL_FORMS"] = str(new + 1)
    return client.post(reverse("admin:trials_trial_change", args=[trial.pk]), data)


def help_text_of(response, field: str) -> str:
    return str(response.context["adminform"].form.fields[field].help_text)


@pytest.mark.django_db
def test_the_admin_shows_the_registrys_value_beside_a_locked_field(editor, mapp1):
    lock_seen_in_registry(
        mapp1,
        "overall_status",
        "Sponsor confirmed the trial is still following up participants.",
        "TERMINATED",
    )
    page = change_page(logged_in(editor), mapp1)
    note = help_text_of(page, "overall_status")
    assert "Locked" in note
    assert "still following up participants" in note
    assert "Registry now says: <strong>Terminated</strong>" in note
    assert "Registry now says: <strong>Terminated</strong>" in page.content.decode()
    assert "Registry now says" not in help_text_of(page, "enrollment")


@pytest.mark.django_db
def test_no_registry_value_is_shown_when_the_registry_agrees(editor, mapp1):
    mapp1.start_date, mapp1.start_date_precision = datetime.date(2018, 11, 1), "month"
    mapp1.save()
    lock_seen_in_registry(mapp1, "start_date", "Paper gives the month only.", "2018-11")
    lock_seen_in_registry(mapp1, "enrollment", "Count from the paper.", str(mapp1.enrollment))
    page = change_page(logged_in(editor), mapp1)
    for field in ("start_date", "enrollment"):
        assert "Locked" in help_text_of(page, field)
        assert "Registry now says" not in help_text_of(page, field)


@pytest.mark.django_db
def test_a_registry_value_cannot_inject_markup_into_the_admin(editor, mapp1):
    lock_seen_in_registry(mapp1, "brief_title", "<b>keep</b>", '<script>alert("x")</script>')
    text = change_page(logged_in(editor), mapp1).content.decode()
    assert '<script>alert("x")</script>' not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert "<b>keep</b>" not in text


@pytest.mark.django_db
def test_an_editor_locks_a_field_from_the_trial_form_and_is_named_on_the_lock(editor, mapp1):
    client = logged_in(editor)
    reason = "The paper's count is the analysed population."
    response = post_a_new_lock(client, mapp1, "enrollment", reason, "lock the enrollment")
    assert response.status_code == 302
    lock = FieldLock.objects.get(trial=mapp1)
    assert (lock.field, lock.locked_by) == ("enrollment", editor)
    assert "Locked" in help_text_of(change_page(client, mapp1), "enrollment")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field,reason,problem",
    [
        ("enrollment", "", "This field is required"),
        ("raw_json", "no such lockable field", "Select a valid choice"),
    ],
)
def test_a_lock_needs_a_lockable_field_and_a_reason(editor, mapp1, field, reason, problem):
    response = post_a_new_lock(logged_in(editor), mapp1, field, reason, "lock something")
    assert response.status_code == 200
    assert problem in response.content.decode()
    assert not FieldLock.objects.filter(trial=mapp1).exists()


@pytest.mark.django_db
def test_locking_the_same_field_twice_is_refused_with_a_message(editor, mapp1):
    FieldLock.objects.create(trial=mapp1, field="enrollment", reason="From the paper.")
    response = post_a_new_lock(logged_in(editor), mapp1, "enrollment", "Again.", "lock again")
    assert response.status_code == 200
    assert "Please correct the duplicate data for field" in response.content.decode()
    assert FieldLock.objects.filter(trial=mapp1).count() == 1
