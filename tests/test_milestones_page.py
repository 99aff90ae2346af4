"""The milestone timeline: by year, filterable, drawn as SVG with an accessible list."""

import re

import pytest
from django.utils import timezone

from editorial.models import State
from evidence.models import RegulatoryMilestone
from public.charts.timeline import TimelinePoint, timeline_svg

pytestmark = pytest.mark.django_db


def listed(response) -> list[str]:
    return [m.seed_key for m in response.context["milestones"]]


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_timeline_lists_every_published_milestone_by_year(client, seeded):
    response = client.get("/milestones/")
    assert len(listed(response)) == RegulatoryMilestone.objects.published().count() == 23
    content = response.content.decode()
    assert '<h2 id="year-2024">2024</h2>' in content
    assert content.index('id="year-2017"') < content.index('id="year-2024"')


def test_advisory_committee_shows_its_votes(client, seeded):
    page = text(client.get("/milestones/?kind=advisory_committee"))
    assert "2024-06-04" in page
    adcomm = RegulatoryMilestone.objects.get(seed_key="fda-adcomm-2024")
    assert adcomm.outcome_details in page


def test_filter_by_agency_jurisdiction_and_kind(client, seeded):
    fda = listed(client.get("/milestones/?agency=FDA"))
    assert fda and all(RegulatoryMilestone.objects.get(seed_key=k).agency == "FDA" for k in fda)
    assert set(listed(client.get("/milestones/?jurisdiction=NO"))) == {
        "rek-ostfold-2019",
        "ostfold-first-participant-2021",
        "ostfold-first-patients-2021",
        "ostfold-veterans-2021",
    }
    assert set(listed(client.get("/milestones/?agency=FDA&kind=crl"))) == {
        "fda-crl-2024",
        "fda-crl-published-2025",
    }


def test_partial_dates_render_at_their_precision(client, seeded):
    page = text(client.get("/milestones/?jurisdiction=NO"))
    assert "2021-04 ·" in page and "2021-04-01" not in page
    assert "2019 ·" in page


def test_unverified_milestones_carry_a_badge_and_note(client, seeded):
    milestone = RegulatoryMilestone.objects.get(seed_key="fda-priority-review-2024")
    assert not milestone.verified
    page = text(client.get("/milestones/?agency=FDA"))
    start = page.index(milestone.title)
    assert "unverified" in page[start : start + 400]
    if milestone.unverified_note:
        assert milestone.unverified_note in page


def test_timeline_svg_is_labelled_and_each_point_links_to_its_milestone(client, seeded):
    content = client.get("/milestones/").content.decode()
    wide, narrow = re.findall(r"<svg.*?</svg>", content, re.S)
    for svg in (wide, narrow):
        assert 'role="group"' in svg
        assert "23 milestones from 2016 to 2025" in svg
        assert svg.count("<circle") == 23
    crl = RegulatoryMilestone.objects.get(seed_key="fda-crl-2024")
    link = re.search(
        rf'<a href="{crl.get_absolute_url()}"><circle[^>]*><title>([^<]*)</title>', wide
    )
    assert link.group(1).startswith(f"{crl.when}: FDA · {crl.get_kind_display()}: ")


def test_timeline_draws_unverified_points_hollow():
    import datetime

    svg = timeline_svg(
        [
            TimelinePoint(datetime.date(2024, 6, 4), "Verified"),
            TimelinePoint(datetime.date(2024, 2, 1), "Doubtful", verified=False),
        ],
        "Test",
    )
    assert 'fill="#fff"' in svg and "Doubtful (unverified)" in svg


def test_draft_milestones_are_hidden_and_withdrawn_ones_explain(client, seeded):
    draft = RegulatoryMilestone.objects.get(seed_key="lykos-layoffs-2024")
    draft.state = State.DRAFT
    draft.save()
    gone = RegulatoryMilestone.objects.get(seed_key="lykos-rename-2024")
    gone.mark_withdrawn("the source was a press rumour", when=timezone.now())
    gone.save()
    keys = listed(client.get("/milestones/"))
    assert "lykos-layoffs-2024" not in keys and "lykos-rename-2024" not in keys
    assert client.get(draft.get_absolute_url()).status_code == 404
    response = client.get(gone.get_absolute_url())
    assert response.status_code == 410
    assert "because the source was a press rumour" in text(response)


def test_milestone_page_cites_its_sources(client, seeded):
    milestone = RegulatoryMilestone.objects.get(seed_key="fda-crl-2024")
    content = client.get(milestone.get_absolute_url()).content.decode()
    assert milestone.title in content
    for source in milestone.source_list:
        assert source.text in content
