"""What browsers, search engines and link previews read; About; reporting a problem."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from evidence.models import ProblemReport, Publication
from trials.models import Trial

pytestmark = pytest.mark.django_db
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def jsonld_blocks(response) -> list[dict]:
    html = response.content.decode()
    return [
        json.loads(body)
        for body in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def sitemap_paths(client) -> set[str]:
    response = client.get("/sitemap.xml")
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        re.sub(r"^https?://[^/]+", "", loc.text) for loc in root.findall("s:url/s:loc", SITEMAP_NS)
    }


def test_sitemap_lists_every_published_record_and_no_draft(client, seeded):
    draft = Trial.objects.published().get(slug="ostfold-mdd")
    Trial.objects.filter(pk=draft.pk).update(state="draft")
    paths = sitemap_paths(client)
    published = Trial.objects.published()
    assert {t.get_absolute_url() for t in published} <= paths
    assert draft.get_absolute_url() not in paths
    assert {p.get_absolute_url() for p in Publication.objects.published()} <= paths
    assert {"/", "/trials/", "/evidence/", "/about/", "/milestones/"} <= paths


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body
    assert re.search(r"^Sitemap: http://testserver/sitemap.xml$", body, re.M)


def test_every_page_has_a_description_preview_tags_and_a_favicon(client, seeded):
    html = client.get("/trials/").content.decode()
    assert re.search(r'<meta name="description" content="[^"]{50,}">', html)
    assert '<meta property="og:title"' in html and '<meta name="twitter:card"' in html
    assert re.search(r'<link rel="icon" href="[^"]+favicon[^"]*\.svg" type="image/svg\+xml">', html)


def test_a_trial_page_describes_itself_as_a_medical_trial_in_json_ld(client, seeded):
    trial = Trial.objects.get(nct_id="NCT03537014")
    response = client.get(trial.get_absolute_url())
    (data,) = jsonld_blocks(response)
    assert data["@type"] == "MedicalTrial"
    assert data["identifier"] == "NCT03537014"
    assert data["name"] == trial.brief_title
    assert data["url"] == f"http://testserver{trial.get_absolute_url()}"
    assert {"@type": "MedicalCondition", "name": "Post-Traumatic Stress Disorder"} in data[
        "healthCondition"
    ]
    assert f'content="{trial.acronym}"' in response.content.decode()


def test_a_retracted_paper_says_so_in_its_json_ld(client, seeded):
    paper = Publication.objects.published().retracted().first()
    (data,) = jsonld_blocks(client.get(paper.get_absolute_url()))
    assert data["@type"] == "ScholarlyArticle"
    assert data["creativeWorkStatus"] == "Retracted"
    assert data["author"] and all(a["name"] != "et al." for a in data["author"])


def test_json_ld_cannot_close_its_script_element(client, seeded):
    trial = Trial.objects.get(nct_id="NCT03537014")
    Trial.objects.filter(pk=trial.pk).update(brief_title="</script><script>alert(1)</script>")
    response = client.get(trial.get_absolute_url())
    assert "</script><script>alert(1)" not in response.content.decode()
    assert jsonld_blocks(response)[0]["name"] == "</script><script>alert(1)</script>"


def test_the_about_page_explains_sources_schedule_curation_and_reporting(client):
    html = client.get("/about/").content.decode()
    for heading in (
        "What is tracked",
        "Where the data come from",
        "How often it is updated",
        "How facts are curated",
        "How to read a forest plot",
        "How effect sizes are pooled",
        "How to report an error",
    ):
        assert f">{heading}</h2>" in html


def test_every_page_links_to_a_report_form_for_itself(client, seeded):
    html = client.get("/trials/NCT03537014/").content.decode()
    assert 'href="/report/?record=/trials/NCT03537014/"' in html
    form = client.get("/report/?record=/trials/NCT03537014/")
    assert form.context["form"]["page"].value() == "/trials/NCT03537014/"


def test_a_report_reaches_the_editors_and_is_never_public(client):
    response = client.post(
        "/report/",
        {"page": "/trials/NCT03537014/", "message": "Enrollment is 91, not 90.", "website": ""},
    )
    assert response.status_code == 200
    report = ProblemReport.objects.get()
    assert (report.page, report.message, report.resolved) == (
        "/trials/NCT03537014/",
        "Enrollment is 91, not 90.",
        False,
    )
    assert "Enrollment is 91" not in client.get("/trials/").content.decode()


@pytest.mark.parametrize(
    "page", ["https://evil.example/", "//evil.example/", "/\\evil.example", "/a\x00b", "trials"]
)
def test_a_report_about_somewhere_else_is_refused_and_nothing_is_stored(client, page):
    response = client.post("/report/", {"page": page, "message": "spam"})
    assert response.status_code == 400
    assert ProblemReport.objects.count() == 0


def test_a_report_form_for_a_foreign_address_falls_back_to_the_home_page(client):
    form = client.get("/report/?record=//evil.example/").context["form"]
    assert form["page"].value() == "/"


def test_a_report_without_a_message_is_refused(client):
    assert client.post("/report/", {"page": "/", "message": ""}).status_code == 400
    assert ProblemReport.objects.count() == 0


def test_reports_from_form_filling_robots_are_dropped(client):
    response = client.post("/report/", {"page": "/", "message": "buy", "website": "spam.example"})
    assert response.status_code == 200
    assert ProblemReport.objects.count() == 0


def test_both_editorial_roles_can_read_and_resolve_reports():
    from django.contrib.auth.models import Group

    for name in ("Editors", "Lead editors"):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"view_problemreport", "change_problemreport"} <= codenames
