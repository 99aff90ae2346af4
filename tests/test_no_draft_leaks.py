"""A published estimate never carries a draft or withdrawn trial or paper into public view."""

import pytest
from django.urls import reverse

from editorial import workflow
from editorial.models import State
from evidence.family_synthesis import synthesis_for
from evidence.models import EffectEstimate, OutcomeFamily, Publication
from tests.factories import add_estimate
from trials.models import Trial

PTSD = {"family": "ptsd-clinician-rated"}
DRAFT_DOI = "10.9999/draft-paper"


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def pooled_in_ptsd() -> list[str]:
    """The labels of the estimates the clinician-rated PTSD synthesis pools."""
    family = OutcomeFamily.objects.get(slug=PTSD["family"])
    return [row.label for row in synthesis_for(family).rows]


@pytest.fixture
def leaky(seeded):
    """A published estimate pointing at a draft trial and a draft paper."""
    trial = Trial.objects.create(
        slug="secret-trial",
        brief_title="A draft trial nobody has checked",
        record_source="curated",
        sources="https://example.org/secret",
    )
    paper = Publication.objects.create(
        title="Draft paper", kind="trial_report", doi=DRAFT_DOI, sources="https://example.org/p"
    )
    return add_estimate(
        trial=trial,
        source_publication=paper,
        label="Secret trial",
        value=3.0,
        verified=True,
        state=State.PUBLISHED,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        reverse("public:synthesis"),
        reverse("public:rows_csv"),
        reverse("public:rows_json"),
        reverse("public:forest_svg"),
        reverse("public:overview"),
    ],
)
def test_no_synthesis_page_or_export_shows_the_draft_trial_or_paper(client, leaky, url):
    text = body(client.get(url, PTSD))
    assert "Secret trial" not in text
    assert "secret-trial" not in text
    assert DRAFT_DOI not in text


@pytest.mark.django_db
def test_the_pooled_result_leaves_the_estimate_out(leaky):
    assert pooled_in_ptsd() == ["MAPP1", "MAPP2"]


@pytest.mark.django_db
def test_an_estimate_cannot_be_published_while_its_trial_or_paper_is_a_draft(leaky, lead_editor):
    leaky.state = State.IN_REVIEW
    leaky.save()
    with pytest.raises(workflow.WorkflowError, match="trial .* is draft.*publication .* is draft"):
        workflow.publish(leaky, lead_editor)
    leaky.refresh_from_db()
    assert leaky.state == State.IN_REVIEW


@pytest.mark.django_db
def test_an_estimate_can_be_published_once_its_trial_and_paper_are(leaky, lead_editor):
    leaky.state = State.IN_REVIEW
    leaky.save()
    for record in (leaky.trial, leaky.source_publication):
        record.mark_published()
        record.save()
    workflow.publish(leaky, lead_editor)
    assert EffectEstimate.objects.public_evidence().filter(pk=leaky.pk).exists()


@pytest.mark.django_db
def test_withdrawing_a_trial_takes_its_estimate_out_and_its_page_says_so(
    client, seeded, lead_editor
):
    mapp2 = Trial.objects.get(nct_id="NCT04077437")
    workflow.withdraw(mapp2, lead_editor, "Registry record under review")

    assert pooled_in_ptsd() == ["MAPP1"]
    assert "MAPP2" not in body(client.get(reverse("public:rows_csv"), PTSD))
    page = client.get(reverse("public:trial", args=["NCT04077437"]))
    assert page.status_code == 410
    assert "Its 2 effect estimates are no longer used in any evidence synthesis" in body(page)


@pytest.mark.django_db
def test_withdrawing_a_paper_takes_its_estimates_out_and_its_page_says_so(
    client, seeded, lead_editor
):
    paper = Publication.objects.get(doi="10.1038/s41591-021-01336-3")
    workflow.withdraw(paper, lead_editor, "Superseded")

    assert pooled_in_ptsd() == ["MAPP2"]
    page = client.get(reverse("public:publication", args=[paper.pk]))
    assert "Its 1 effect estimate is no longer used in any evidence synthesis" in body(page)
