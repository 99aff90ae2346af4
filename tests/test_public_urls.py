"""Every public page keeps its address now that the public app owns it, and each record
still links to its page: from itself, from sitemaps and feeds, and from the admin's
"View on site"."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from evidence.models import (
    OutcomeFamily,
    Publication,
    RegulatoryMilestone,
    SafetyFinding,
    SynthesisSnapshot,
)
from evidence.snapshots import record_snapshots
from trials.models import Trial

# Users' links and bookmarks: each public URL name and the path it must keep.
PATHS = [
    ("public:overview", [], "/"),
    ("public:trials", [], "/trials/"),
    ("public:trial", ["NCT03537014"], "/trials/NCT03537014/"),
    ("public:milestones", [], "/milestones/"),
    ("public:milestone", [7], "/milestones/7/"),
    ("public:publications", [], "/publications/"),
    ("public:publication", [7], "/publications/7/"),
    ("public:synthesis", [], "/evidence/"),
    ("public:forest_svg", [], "/evidence/forest.svg"),
    ("public:rows_csv", [], "/evidence/rows.csv"),
    ("public:rows_json", [], "/evidence/rows.json"),
    ("public:snapshot", [7], "/evidence/snapshots/7/"),
    ("public:about", [], "/about/"),
    ("public:report_problem", [], "/report/"),
    ("public:safety", [], "/safety/"),
    ("public:safety_adverse_events", [], "/safety/adverse-events/"),
    ("public:safety_harm_forest", [], "/safety/adverse-events/forest.svg"),
    ("sitemap", [], "/sitemap.xml"),
    ("robots", [], "/robots.txt"),
]


@pytest.mark.parametrize(("name", "args", "path"), PATHS)
def test_each_public_page_keeps_its_address(name, args, path):
    assert reverse(name, args=args) == path


@pytest.mark.django_db
def test_each_kind_of_record_links_to_its_public_page(seeded):
    record_snapshots()
    paper = Publication.objects.published().first()
    milestone = RegulatoryMilestone.objects.published().first()
    family = OutcomeFamily.objects.first()
    finding = SafetyFinding.objects.published().first()
    snapshot = SynthesisSnapshot.objects.first()
    assert Trial.objects.get(nct_id="NCT03537014").get_absolute_url() == "/trials/NCT03537014/"
    assert paper.get_absolute_url() == f"/publications/{paper.pk}/"
    assert milestone.get_absolute_url() == f"/milestones/{milestone.pk}/"
    assert family.get_absolute_url() == f"/evidence/?family={family.slug}"
    assert finding.get_absolute_url() == f"/safety/#{finding.anchor}"
    assert snapshot.get_absolute_url() == f"/evidence/snapshots/{snapshot.pk}/"


@pytest.mark.django_db
def test_the_admins_view_on_site_opens_the_public_trial_page(admin_client, seeded):
    trial = Trial.objects.get(nct_id="NCT03537014")
    shortcut = reverse(
        "admin:view_on_site", args=[ContentType.objects.get_for_model(Trial).pk, trial.pk]
    )
    form = admin_client.get(reverse("admin:trials_trial_change", args=[trial.pk]))
    assert f'href="{shortcut}"' in form.content.decode()
    response = admin_client.get(shortcut)
    assert response.status_code == 302
    assert response["Location"].endswith("/trials/NCT03537014/")
    assert admin_client.get(response["Location"]).status_code == 200
