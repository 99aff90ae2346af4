"""History: every admin edit is kept with its editor and reason; any two versions can be
compared; the public sees published corrections without editors' names."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from editorial import workflow
from editorial.models import State
from tests.admin_forms import change_form_data, logged_in
from trials.changes import public_changes
from trials.models import Trial, TrialChange

MAPP1 = "NCT03537014"


def edit_trial(client, trial, reason: str, **changes):
    url = reverse("admin:trials_trial_change", args=[trial.pk])
    data = change_form_data(client.get(url), **changes)
    if reason is not None:
        data["change_reason"] = reason
    return client.post(url, data)


@pytest.fixture
def mapp1(seeded):
    return Trial.objects.get(nct_id=MAPP1)


@pytest.mark.django_db
def test_history_records_the_editor_and_the_reason(editor, mapp1):
    response = edit_trial(
        logged_in(editor), mapp1, "enrollment as the paper reports it", enrollment="91"
    )
    assert response.status_code == 302
    latest = mapp1.history.latest("history_date")
    assert latest.enrollment == 91
    assert latest.history_user == editor
    assert latest.history_change_reason == "enrollment as the paper reports it"
    mapp1.refresh_from_db()
    assert mapp1.last_edited_by == editor


@pytest.mark.django_db
def test_an_edit_without_a_reason_is_refused_and_saves_nothing(editor, mapp1):
    versions = mapp1.history.count()
    response = edit_trial(logged_in(editor), mapp1, "", enrollment="91")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["change_reason"]
    mapp1.refresh_from_db()
    assert mapp1.enrollment != 91
    assert mapp1.history.count() == versions


@pytest.mark.django_db
def test_inline_edits_carry_the_editor_and_reason_into_their_own_history(editor, mapp1):
    arm = mapp1.arms.order_by("order", "pk").first()
    client = logged_in(editor)
    url = reverse("admin:trials_trial_change", args=[mapp1.pk])
    page = client.get(url)
    arms = next(
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is type(arm)
    )
    index = [form.instance.pk for form in arms.initial_forms].index(arm.pk)
    data = change_form_data(page, change_reason="dose label from the protocol")
    data[f"{arms.prefix}-{index}-dose_note"] = "Split dose as per protocol"
    assert client.post(url, data).status_code == 302
    latest = arm.history.latest("history_date")
    assert latest.dose_note == "Split dose as per protocol"
    assert latest.history_user == editor
    assert latest.history_change_reason == "dose label from the protocol"


@pytest.mark.django_db
def test_history_page_lists_each_version_with_its_reason(editor, mapp1):
    edit_trial(logged_in(editor), mapp1, "acronym spelled as the sponsor does", acronym="MAPP-1")
    page = logged_in(editor).get(reverse("admin:trials_trial_history", args=[mapp1.pk]))
    text = page.content.decode()
    assert "acronym spelled as the sponsor does" in text
    assert 'name="older"' in text and 'name="newer"' in text


@pytest.mark.django_db
def test_the_diff_of_two_versions_shows_the_changed_field(editor, mapp1):
    client = logged_in(editor)
    edit_trial(client, mapp1, "enrollment from the paper", enrollment="91")
    edit_trial(client, mapp1, "acronym as the sponsor spells it", acronym="MAPP-1")
    first, *_, last = mapp1.history.order_by("history_date", "history_id")
    response = client.get(
        reverse("admin:trials_trial_history_compare", args=[mapp1.pk]),
        # Given the wrong way round on purpose: the page puts them in date order.
        {"older": last.history_id, "newer": first.history_id},
    )
    diff = {c.field: (c.old, c.new) for c in response.context["comparison"].changes}
    assert diff["enrollment"] == (first.enrollment, 91)
    assert diff["acronym"] == ("MAPP1", "MAPP-1")
    assert "updated_at" not in diff
    text = response.content.decode()
    assert 'data-field="enrollment"' in text and 'data-field="acronym"' in text
    assert 'data-field="brief_title"' not in text


@pytest.mark.django_db
@pytest.mark.parametrize("older,newer", [("", ""), ("x", "1"), ("999999", "999998")])
def test_comparing_unknown_versions_explains_instead_of_failing(editor, mapp1, older, newer):
    response = logged_in(editor).get(
        reverse("admin:trials_trial_history_compare", args=[mapp1.pk]),
        {"older": older, "newer": newer},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("admin:trials_trial_history", args=[mapp1.pk])
    assert any("versions" in str(m) for m in response.context["messages"])


@pytest.mark.django_db
def test_public_changes_list_published_corrections_without_editors_personal_data(make_staff, mapp1):
    editor = make_staff("jane.doe.editor")
    TrialChange.objects.create(
        trial=mapp1,
        field="overall_status",
        old_value="ACTIVE_NOT_RECRUITING",
        new_value="COMPLETED",
    )
    edit_trial(logged_in(editor), mapp1, "private reason naming Dr Smith", enrollment="91")

    changes = public_changes(mapp1)
    sources = {(c.source, c.field) for c in changes}
    assert ("registry", "overall_status") in sources
    editorial = [c for c in changes if c.source == "editors"]
    assert [(c.field, c.new) for c in editorial] == [("enrollment", "91")]
    public_text = repr(changes)
    assert "jane.doe.editor" not in public_text
    assert "Dr Smith" not in public_text


@pytest.mark.django_db
def test_edits_to_a_draft_are_not_public_changes(make_staff, lead_editor):
    author = make_staff("author")
    trial = Trial.objects.create(
        brief_title="A curated trial in preparation", sources="PMID:1", last_edited_by=author
    )
    edit_trial(logged_in(author), trial, "fix title", brief_title="A curated trial, in preparation")
    assert public_changes(trial) == []
    workflow.publish(Trial.objects.get(pk=trial.pk), lead_editor)
    assert Trial.objects.get(pk=trial.pk).state == State.PUBLISHED
    assert public_changes(trial) == []  # publishing itself is not a correction


@pytest.mark.django_db
def test_the_public_trial_page_lists_an_editors_published_correction(client, make_staff, mapp1):
    edit_trial(logged_in(make_staff("jane.doe.editor")), mapp1, "from the paper", enrollment="91")
    page = client.get(f"/trials/{MAPP1}/").content.decode()
    changes = page[page.index('id="changes-heading"') :]
    assert "Editors" in changes and "Enrollment" in changes and "91" in changes
    assert "jane.doe.editor" not in page
    assert "from the paper" not in page


@pytest.mark.django_db
def test_history_page_shows_whole_old_and_new_values(editor, mapp1):
    old_title = mapp1.official_title
    new_title = old_title + " (as registered in the 2019 protocol amendment, long form)"
    edit_trial(logged_in(editor), mapp1, "official title as the protocol", official_title=new_title)
    text = logged_in(editor).get(reverse("admin:trials_trial_history", args=[mapp1.pk]))
    html = text.content.decode()
    assert "chars]" not in html
    assert escape(new_title) in html and escape(old_title) in html
