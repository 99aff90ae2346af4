"""Editors can correct and lock a large multi-site trial through the admin."""

import pytest
from django.urls import reverse

from tests.admin_forms import change_form_data, logged_in
from trials.models import OutcomeMeasure, Site, Trial

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_trial(seeded):
    trial = Trial.objects.get(nct_id="NCT03537014")
    Site.objects.bulk_create(
        Site(trial=trial, facility=f"Clinic {i}", city="Boston", country_code="US")
        for i in range(300)
    )
    OutcomeMeasure.objects.bulk_create(
        OutcomeMeasure(trial=trial, kind="SECONDARY", measure=f"Scale {i}", order=i)
        for i in range(40)
    )
    return trial


def test_a_trial_with_300_sites_and_40_outcomes_saves_through_the_admin(editor, big_trial):
    client = logged_in(editor)
    url = reverse("admin:trials_trial_change", args=[big_trial.pk])
    page = client.get(url)
    data = change_form_data(
        page, enrollment="91", change_reason="enrollment as the primary paper reports it"
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    big_trial.refresh_from_db()
    assert big_trial.enrollment == 91
    assert Site.objects.filter(trial=big_trial).count() >= 300


def test_the_trial_form_links_to_its_sites_and_outcomes_instead_of_listing_them(editor, big_trial):
    client = logged_in(editor)
    html = client.get(reverse("admin:trials_trial_change", args=[big_trial.pk])).content.decode()
    sites = Site.objects.filter(trial=big_trial).count()
    assert f'?trial__id__exact={big_trial.pk}">{sites} sites — view and edit</a>' in html
    assert "Clinic 299" not in html
    listing = client.get(
        reverse("admin:trials_site_changelist") + f"?trial__id__exact={big_trial.pk}"
    )
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == sites
    outcomes = client.get(
        reverse("admin:trials_outcomemeasure_changelist") + f"?trial__id__exact={big_trial.pk}"
    )
    assert (
        outcomes.context["cl"].result_count
        == OutcomeMeasure.objects.filter(trial=big_trial).count()
    )


def published_milestone_put_back_to(state: str):
    from evidence.models import RegulatoryMilestone

    milestone = RegulatoryMilestone.objects.published().first()
    RegulatoryMilestone.objects.filter(pk=milestone.pk).update(state=state)
    return milestone


def test_a_lead_editor_publishes_and_withdraws_from_the_change_form(lead_editor, seeded):
    milestone = published_milestone_put_back_to("review")
    client = logged_in(lead_editor)
    change = reverse("admin:evidence_regulatorymilestone_change", args=[milestone.pk])
    html = client.get(change).content.decode()
    assert ">Publish</button>" in html and ">Send back to draft</button>" in html
    step = reverse("admin:evidence_regulatorymilestone_workflow", args=[milestone.pk, "publish"])
    assert client.post(step)["Location"] == change
    milestone.refresh_from_db()
    assert milestone.state == "published"

    withdraw = reverse(
        "admin:evidence_regulatorymilestone_workflow", args=[milestone.pk, "withdraw"]
    )
    form = client.post(withdraw)
    assert "Reason" in form.content.decode()
    client.post(withdraw, {"apply": "1", "reason": "duplicate of another milestone"})
    milestone.refresh_from_db()
    assert (milestone.state, milestone.withdrawn_reason) == (
        "withdrawn",
        "duplicate of another milestone",
    )


def test_an_editor_sees_no_publish_button_and_cannot_publish_by_url(editor, seeded):
    milestone = published_milestone_put_back_to("draft")
    client = logged_in(editor)
    change = reverse("admin:evidence_regulatorymilestone_change", args=[milestone.pk])
    html = client.get(change).content.decode()
    assert ">Submit for review</button>" in html
    assert ">Publish</button>" not in html
    client.post(
        reverse("admin:evidence_regulatorymilestone_workflow", args=[milestone.pk, "publish"])
    )
    milestone.refresh_from_db()
    assert milestone.state == "draft"


def test_milestone_agency_offers_known_agencies_and_accepts_another(admin_client, seeded):
    from evidence.models import RegulatoryMilestone

    milestone = RegulatoryMilestone.objects.get(seed_key="fda-crl-2024")
    url = reverse("admin:evidence_regulatorymilestone_change", args=[milestone.pk])
    page = admin_client.get(url)
    html = page.content.decode()
    assert 'list="id_agency-suggestions"' in html
    assert '<option value="TGA"></option>' in html
    assert '<option value="EU" selected>European Union</option>' not in html
    data = change_form_data(page, agency="Medsafe", jurisdiction="NZ", change_reason="agency")
    assert admin_client.post(url, data).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.agency, milestone.jurisdiction) == ("Medsafe", "NZ")
    data = change_form_data(page, jurisdiction="XX", change_reason="bad code")
    assert admin_client.post(url, data).status_code == 200
    milestone.refresh_from_db()
    assert milestone.jurisdiction == "NZ"


def test_field_locks_stand_above_the_fields_they_protect(editor, seeded):
    trial = Trial.objects.get(nct_id="NCT03537014")
    client = logged_in(editor)
    html = client.get(reverse("admin:trials_trial_change", args=[trial.pk])).content.decode()
    assert html.count('id="field_locks-group"') == 1
    assert html.index('id="field_locks-group"') < html.index('name="brief_title"')
    assert html.index('name="brief_title"') < html.index('id="identifiers-group"')
