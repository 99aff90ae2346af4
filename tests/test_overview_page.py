"""The overview: numbers as bar charts, latest milestones, recent registry changes, freshness."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from evidence.models import RegulatoryMilestone
from public.charts.bars import Bar, bar_chart_svg
from tests.factories import make_trial

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_charts_count_published_trials_by_phase_status_and_condition(client, seeded):
    charts = {c["title"]: c["bars"] for c in client.get("/").context["charts"]}
    phases = {b.label: b.value for b in charts["Trials by phase"]}
    assert phases["Phase 3"] == 3
    statuses = {b.label: b.value for b in charts["Trials by status"]}
    assert statuses["Enrolling by invitation"] == 1
    conditions = {b.label: b.value for b in charts["Trials by condition"]}
    assert conditions["Major Depressive Disorder"] == 1


def test_chart_bars_link_to_the_matching_trial_list(client, seeded):
    charts = {c["title"]: c["bars"] for c in client.get("/").context["charts"]}
    for bar in charts["Trials by phase"] + charts["Trials by condition"]:
        listed = client.get(bar.href)
        assert listed.context["count"] == bar.value, bar.label


def test_bar_chart_svg_states_its_numbers():
    svg = bar_chart_svg([Bar("Phase 2", 12), Bar("Phase 3", 3)], "Trials by phase")
    assert 'role="img"' in svg and "Phase 2: 12; Phase 3: 3" in svg
    assert ">12</text>" in svg and ">3</text>" in svg


def test_latest_milestones_come_first_and_show_unverified(client, seeded):
    latest = list(client.get("/").context["latest_milestones"])
    assert latest[0].seed_key == "fda-crl-published-2025"
    assert [m.date for m in latest] == sorted((m.date for m in latest), reverse=True)


def test_recently_changed_trials_follow_the_registry_update_date(client, db):
    make_trial(slug="old", acronym="OLDTRIAL", last_update_posted=datetime.date(2020, 1, 1))
    make_trial(slug="new", acronym="NEWTRIAL", last_update_posted=datetime.date(2025, 1, 1))
    page = text(client.get("/"))
    assert page.index("NEWTRIAL") < page.index("OLDTRIAL")


def test_freshness_says_not_yet_imported_before_any_import(client, seeded):
    assert "not yet imported" in text(client.get("/"))


def test_the_newcomers_question_is_one_click_away(client, seeded):
    url = client.get("/").context["question_url"]
    assert parse_qs(urlsplit(url).query) == {
        "phase": ["PHASE3"],
        "condition": ["Post-Traumatic Stress Disorder"],
        "has_results": ["true"],
    }
    fda = client.get(client.get("/").context["fda_url"])
    assert "fda-crl-2024" in {m.seed_key for m in fda.context["milestones"]}
    crl = RegulatoryMilestone.objects.get(seed_key="fda-crl-2024")
    assert crl.title in text(fda)
