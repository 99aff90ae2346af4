"""Curated safety findings: seeded from the safety fact sheet, every field cross-checked,
shown on /safety/ with their numbers, sources and status; drafts never shown."""

import json
import os
import re
from pathlib import Path

import pytest

from editorial.models import State
from evidence.models import SafetyFinding

DEFAULT_SHEET = Path(__file__).resolve().parents[2] / "shared" / "facts" / "safety"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def sheet() -> list[dict]:
    """The shared safety fact sheet; skipped locally where absent, a failure in CI."""
    path = Path(os.environ.get("SAFETY_FACTS_DIR") or DEFAULT_SHEET) / "safety_facts.json"
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Safety fact sheet not found at {path}")
        pytest.skip(f"Safety fact sheet not found at {path} (set SAFETY_FACTS_DIR)")
    return json.loads(path.read_text(encoding="utf-8"))


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_every_sheet_fact_is_seeded_with_every_field_as_written(seeded, sheet):
    assert len(sheet) == 52
    findings = {f.seed_key: f for f in SafetyFinding.objects.all()}
    assert set(findings) == {fact["id"] for fact in sheet}
    for fact in sheet:
        f = findings[fact["id"]]
        assert f.sheet_section == fact["topic"], fact["id"]
        assert f.statement == fact["statement"], fact["id"]
        assert f.numbers == fact["numbers"], fact["id"]
        assert f.source_citation == fact["source"]["citation"], fact["id"]
        assert f.source_url == fact["source"]["url"], fact["id"]
        assert f.source_level == fact["source"]["source_level"], fact["id"]
        assert f.quote == fact["quote"], fact["id"]
        assert f.note == fact.get("note", ""), fact["id"]
        assert f.verified == (fact["status"] == "VERIFIED"), fact["id"]
        assert f.verified_against == fact.get("verified_against", ""), fact["id"]
        assert f.source_retracted == fact.get("retracted", False), fact["id"]
        assert f.state == State.PUBLISHED
    assert SafetyFinding.objects.filter(verified=False).count() == 8
    assert SafetyFinding.objects.filter(verified_against="secondary").count() == 5


def test_seeding_twice_adds_nothing(seeded):
    from evidence.seeding import load_seed

    report = load_seed()
    assert report.present["safety findings"] == 52
    assert "safety findings" not in report.created


def test_findings_rest_on_their_trials_and_the_retracted_one_is_flagged(seeded):
    severe = SafetyFinding.objects.get(seed_key="SAF-MAPP2-SEVERE-TEAE")
    assert [t.acronym for t in severe.trials.all()] == ["MAPP2"]
    taper = SafetyFinding.objects.get(seed_key="SAF-TAPER-RETRACTED")
    assert taper.is_retracted
    assert taper.publications.get().is_retracted
    assert not severe.is_retracted


def test_safety_page_shows_every_finding_with_source_and_status(client, seeded, sheet):
    response = client.get("/safety/")
    page = text(response)
    content = response.content.decode()
    assert "evidence, not medical advice" in page
    for fact in sheet:
        anchor = fact["id"].lower()
        block = re.search(rf'<article[^>]*id="{anchor}".*?</article>', content, re.S)
        assert block, fact["id"]
        block = block.group(0)
        assert fact["source"]["url"].replace("&", "&amp;") in block, fact["id"]
        if fact["status"] == "UNVERIFIED":
            assert "badge-unverified" in block, fact["id"]
        if fact.get("verified_against") == "secondary":
            assert "secondary source" in block, fact["id"]
        if fact.get("retracted"):
            assert "badge-retracted" in block, fact["id"]
    severe = re.search(r'id="saf-mapp2-severe-teae".*?</article>', content, re.S).group(0)
    assert "5 / 53 (9.4%)" in severe and "2 / 51 (3.9%)" in severe
    assert 'href="/trials/NCT04077437/"' in severe


def test_draft_and_withdrawn_findings_are_never_shown(client, seeded):
    SafetyFinding.objects.filter(seed_key="SAF-MAPP2-SEVERE-TEAE").update(state=State.DRAFT)
    SafetyFinding.objects.filter(seed_key="SAF-MAPP2-NO-SAE").update(state=State.WITHDRAWN)
    content = client.get("/safety/").content.decode()
    assert "saf-mapp2-severe-teae" not in content and "saf-mapp2-no-sae" not in content
    assert 'id="saf-mapp2-completion"' in content
    trial_page = client.get("/trials/NCT04077437/").content.decode()
    assert "saf-mapp2-severe-teae" not in trial_page
    assert "/safety/#saf-mapp2-completion" in trial_page


def test_overview_has_a_safety_card(client, seeded):
    page = text(client.get("/"))
    assert "Safety" in page and "52 sourced findings" in page


def test_editors_draft_a_finding_and_a_lead_publishes_it_with_history(client, make_staff, seeded):
    from django.test import Client
    from django.urls import reverse

    def act(client, action, record):
        data = {"action": action, "_selected_action": [record.pk]}
        return client.post(reverse("admin:evidence_safetyfinding_changelist"), data)

    author, lead = make_staff("ana"), make_staff("carla", "Lead editors")
    editor_client = Client()
    editor_client.force_login(author)
    fields = {
        "topic": "cardiovascular",
        "order": "60",
        "statement": "A new finding about blood pressure.",
        "source_citation": "Example 2025",
        "source_url": "https://example.org/bp",
        "sources": "https://example.org/bp",
        "verified": "on",
        "change_reason": "new finding from the paper",
    }
    response = editor_client.post(reverse("admin:evidence_safetyfinding_add"), fields)
    assert response.status_code == 302, response.context["adminform"].form.errors
    finding = SafetyFinding.objects.get(statement=fields["statement"])
    assert finding.state == State.DRAFT
    assert fields["statement"] not in client.get("/safety/").content.decode()
    act(editor_client, "submit_for_review", finding)
    lead_client = Client()
    lead_client.force_login(lead)
    act(lead_client, "publish", finding)
    finding.refresh_from_db()
    assert finding.state == State.PUBLISHED
    assert fields["statement"] in client.get("/safety/").content.decode()
    reasons = [v.history_change_reason for v in finding.history.order_by("history_date")]
    assert reasons == ["new finding from the paper", "Submitted for review", "Published"]
