"""Milestones about safety link to their findings and back, published records only."""

import pytest

from editorial.models import State
from evidence.models import RegulatoryMilestone, SafetyFinding

pytestmark = pytest.mark.django_db

HEADING = "Safety findings from this decision"


def milestone_page(client, key: str) -> str:
    milestone = RegulatoryMilestone.objects.get(seed_key=key)
    response = client.get(milestone.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_advisory_committee_lists_the_findings_its_sources_name(client, seeded):
    page = milestone_page(client, "fda-adcomm-2024")
    assert HEADING in page
    assert 'href="/safety/#saf-fda-pdac-vote"' in page
    assert 'href="/safety/#saf-fda-brief-cv"' in page
    # A finding from the complete response letter is not the advisory committee's.
    assert "saf-fda-crl-2024" not in page


def test_the_complete_response_letter_lists_its_findings(client, seeded):
    page = milestone_page(client, "fda-crl-2024")
    assert HEADING in page
    for key in ("saf-fda-crl-2024", "saf-fda-crl-file", "saf-fda-crl-positive-ae"):
        assert f'href="/safety/#{key}"' in page
    assert "saf-fda-pdac-vote" not in page


def test_a_milestone_without_safety_findings_has_no_such_section(client, seeded):
    assert HEADING not in milestone_page(client, "dutch-commission-2024")


def test_the_safety_page_links_each_finding_back_to_its_milestone(client, seeded):
    milestone = RegulatoryMilestone.objects.get(seed_key="fda-adcomm-2024")
    page = client.get("/safety/").content.decode()
    finding = page[page.index('id="saf-fda-pdac-vote"') :]
    finding = finding[: finding.index("</article>")]
    assert f'href="{milestone.get_absolute_url()}"' in finding


def test_drafts_on_either_side_are_never_linked(client, seeded):
    SafetyFinding.objects.filter(seed_key="SAF-FDA-PDAC-VOTE").update(state=State.DRAFT)
    page = milestone_page(client, "fda-adcomm-2024")
    assert "saf-fda-pdac-vote" not in page and "saf-fda-brief-cv" in page

    milestone = RegulatoryMilestone.objects.get(seed_key="fda-crl-2024")
    milestone.state = State.DRAFT
    milestone.save()
    safety = client.get("/safety/").content.decode()
    assert f'href="{milestone.get_absolute_url()}"' not in safety
    assert 'id="saf-fda-crl-2024"' in safety


def test_publications_of_a_finding_link_to_the_paper_by_doi(client, seeded):
    finding = SafetyFinding.objects.filter(publications__doi__isnull=False).first()
    publication = finding.publications.exclude(doi=None).first()
    page = client.get("/safety/").content.decode()
    assert f'href="https://doi.org/{publication.doi}"' in page


def test_a_database_seeded_before_the_links_existed_gets_them_on_migrate(seeded):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("evidence.migrations.0016_link_seeded_findings_to_milestones")
    vote = SafetyFinding.objects.get(seed_key="SAF-FDA-PDAC-VOTE")
    kept_apart = SafetyFinding.objects.get(seed_key="SAF-FDA-CRL-2024")
    for finding in SafetyFinding.objects.all():
        finding.milestones.clear()  # as seeded before 0015
    kept_apart.milestones.set([RegulatoryMilestone.objects.get(seed_key="dutch-commission-2024")])
    migration.link(apps, None)
    assert [m.seed_key for m in vote.milestones.all()] == ["fda-adcomm-2024"]
    # A finding that already has links (an editor's) is left as it is.
    assert [m.seed_key for m in kept_apart.milestones.all()] == ["dutch-commission-2024"]
