"""Publishing: drafts stay private, publishing needs a source and a second reviewer,
withdrawing needs a reason and leaves an explanatory page."""

import datetime

import pytest
from django.urls import reverse

from editorial import workflow
from editorial.models import State
from evidence.models import RegulatoryMilestone
from tests.admin_forms import logged_in
from trials.models import Trial

TITLE = "EMA scientific advice on midomafetamine for PTSD"
CHANGELIST = "admin:evidence_regulatorymilestone_changelist"
PUBLIC_URLS = [
    "/",
    "/milestones/",
    "/trials/NCT03537014/",
    "/trials/?format=csv",
    "/trials/?format=json",
    "/evidence/rows.csv",
]


def draft_milestone(author=None, **extra) -> RegulatoryMilestone:
    values = {
        "date": datetime.date(2025, 3, 14),
        "agency": "EMA",
        "jurisdiction": "EU",
        "kind": "advice",
        "title": TITLE,
        "sources": "https://example.org/ema-advice",
        "last_edited_by": author,
    }
    return RegulatoryMilestone.objects.create(**(values | extra))


def act(client, action: str, record, follow=False, **extra):
    """Run an admin action on one record, as the change list's form does."""
    data = {"action": action, "_selected_action": [record.pk], **extra}
    return client.post(reverse(CHANGELIST), data, follow=follow)


def text_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.mark.django_db
def test_publishing_without_a_source_is_refused_and_changes_nothing(make_staff, lead_editor):
    # Whitespace passes the database rule but is no source at all.
    milestone = draft_milestone(make_staff("author"), sources="  \n ")
    with pytest.raises(workflow.WorkflowError, match="has no source"):
        workflow.publish(milestone, lead_editor)
    milestone.refresh_from_db()
    assert milestone.state == State.DRAFT
    assert milestone.published_at is None
    assert milestone.history.count() == 1


@pytest.mark.django_db
def test_admin_says_why_publishing_without_a_source_was_refused(make_staff, lead_editor):
    milestone = draft_milestone(make_staff("author"), sources=" ")
    response = act(logged_in(lead_editor), "publish", milestone, follow=True)
    assert any("has no source" in m for m in messages_of(response))
    milestone.refresh_from_db()
    assert milestone.state == State.DRAFT


@pytest.mark.django_db
def test_the_last_editor_cannot_publish_their_own_edit(lead_editor):
    milestone = draft_milestone(lead_editor, state=State.IN_REVIEW)
    response = act(logged_in(lead_editor), "publish", milestone, follow=True)
    assert any("another editor must review" in m for m in messages_of(response))
    milestone.refresh_from_db()
    assert milestone.state == State.IN_REVIEW
    assert milestone.published_by is None


@pytest.mark.django_db
def test_a_one_person_team_may_publish_its_own_edit_when_the_setting_allows(settings, lead_editor):
    settings.REQUIRE_SECOND_REVIEWER = False
    milestone = draft_milestone(lead_editor)
    workflow.publish(milestone, lead_editor)
    milestone.refresh_from_db()
    assert milestone.state == State.PUBLISHED
    assert milestone.published_by == lead_editor


@pytest.mark.django_db
def test_an_editor_cannot_publish_even_through_the_workflow_function(make_staff, editor):
    milestone = draft_milestone(make_staff("author"))
    with pytest.raises(workflow.WorkflowError, match="lead editor must"):
        workflow.publish(milestone, editor)
    milestone.refresh_from_db()
    assert milestone.state == State.DRAFT


@pytest.mark.django_db
def test_the_change_form_cannot_set_the_publishing_state(editor):
    milestone = draft_milestone()
    client = logged_in(editor)
    url = reverse("admin:evidence_regulatorymilestone_change", args=[milestone.pk])
    client.post(
        url,
        {
            "date": "2025-03-14",
            "date_precision": "day",
            "agency": "EMA",
            "kind": "advice",
            "title": TITLE,
            "sources": "https://example.org/ema-advice",
            "state": State.PUBLISHED,
            "change_reason": "trying to publish through the form",
        },
    )
    milestone.refresh_from_db()
    assert milestone.last_edited_by == editor  # the edit itself was saved
    assert milestone.state == State.DRAFT


@pytest.mark.django_db
def test_withdrawing_asks_for_a_reason_and_refuses_a_blank_one(make_staff, lead_editor):
    milestone = draft_milestone(make_staff("author"))
    workflow.publish(milestone, lead_editor)
    client = logged_in(lead_editor)
    form_page = act(client, "withdraw", milestone)
    assert form_page.status_code == 200
    assert "Reason" in form_page.content.decode()
    blank = act(client, "withdraw", milestone, apply="1", reason="   ")
    assert blank.status_code == 200 and "This field is required" in blank.content.decode()
    milestone.refresh_from_db()
    assert milestone.state == State.PUBLISHED
    act(client, "withdraw", milestone, apply="1", reason="The agency corrected the date.")
    milestone.refresh_from_db()
    assert milestone.state == State.WITHDRAWN
    assert milestone.withdrawn_reason == "The agency corrected the date."
    assert milestone.withdrawn_at is not None


@pytest.mark.django_db
def test_two_editors_and_a_lead_take_a_milestone_from_draft_to_published(make_staff, seeded):
    first, second = make_staff("ana"), make_staff("ben")
    lead = make_staff("carla", "Lead editors")
    fields = {
        "date": "2025-03-14",
        "date_precision": "month",
        "agency": "EMA",
        "jurisdiction": "EU",
        "kind": "advice",
        "title": TITLE,
        "sources": "https://example.org/ema-advice",
        "trials": [Trial.objects.get(nct_id="NCT03537014").pk],
    }
    logged_in(first).post(
        reverse("admin:evidence_regulatorymilestone_add"),
        fields | {"change_reason": "new milestone from the EMA minutes"},
    )
    milestone = RegulatoryMilestone.objects.get(title=TITLE)
    logged_in(second).post(
        reverse("admin:evidence_regulatorymilestone_change", args=[milestone.pk]),
        fields | {"date_precision": "day", "change_reason": "exact day from the minutes"},
    )
    act(logged_in(second), "submit_for_review", milestone)
    act(logged_in(lead), "publish", milestone)

    milestone.refresh_from_db()
    assert milestone.state == State.PUBLISHED
    assert (milestone.last_edited_by, milestone.submitted_by, milestone.published_by) == (
        second,
        second,
        lead,
    )
    steps = [
        (v.history_user.username, v.history_change_reason, v.state)
        for v in milestone.history.order_by("history_date", "history_id")
    ]
    assert steps == [
        ("ana", "new milestone from the EMA minutes", State.DRAFT),
        ("ben", "exact day from the minutes", State.DRAFT),
        ("ben", "Submitted for review", State.IN_REVIEW),
        ("carla", "Published", State.PUBLISHED),
    ]


@pytest.mark.django_db
def test_a_draft_milestone_is_public_only_once_published_and_withdrawing_leaves_a_page(
    client, make_staff, lead_editor, seeded
):
    milestone = draft_milestone(make_staff("author"))
    milestone.trials.add(Trial.objects.get(nct_id="NCT03537014"))
    for url in PUBLIC_URLS:
        assert TITLE not in text_of(client.get(url)), url
    assert client.get(f"/milestones/{milestone.pk}/").status_code == 404

    workflow.publish(milestone, lead_editor)
    assert TITLE in client.get("/milestones/").content.decode()
    assert TITLE in client.get("/trials/NCT03537014/").content.decode()

    workflow.withdraw(milestone, lead_editor, "Announced in error by the sponsor.")
    assert TITLE not in client.get("/milestones/").content.decode()
    page = client.get(f"/milestones/{milestone.pk}/")
    assert page.status_code in (200, 410)
    text = page.content.decode()
    assert "withdrawn" in text.lower()
    assert "Announced in error by the sponsor." in text


@pytest.mark.django_db
def test_a_record_in_review_goes_back_to_draft_but_a_public_one_must_be_withdrawn(
    make_staff, editor, lead_editor
):
    milestone = draft_milestone(make_staff("author"), state=State.IN_REVIEW)
    act(logged_in(editor), "return_to_draft", milestone)
    milestone.refresh_from_db()
    assert milestone.state == State.DRAFT

    workflow.publish(milestone, lead_editor)
    response = act(logged_in(lead_editor), "return_to_draft", milestone, follow=True)
    assert any("withdraw it instead" in m for m in messages_of(response))
    milestone.refresh_from_db()
    assert milestone.state == State.PUBLISHED
