"""Every shortcut on the overview leads somewhere with records in it, on the seed data."""

import html
import re

import pytest

# How many records each list page found, read from its context.
COUNTS = {
    "/trials/": lambda context: context["count"],
    "/milestones/": lambda context: len(context["milestones"]),
    "/publications/": lambda context: len(context["publications"]),
}


def shortcut_links(content: str) -> list[str]:
    """The overview's links into a filtered or sorted list (the shortcuts and chart bars)."""
    hrefs = {html.unescape(h) for h in re.findall(r'href="([^"]+)"', content)}
    return sorted(h for h in hrefs if "?" in h and h.split("?")[0] in COUNTS)


@pytest.mark.django_db
def test_every_overview_shortcut_finds_at_least_one_record(client, seeded):
    links = shortcut_links(client.get("/").content.decode())
    # The start-here questions, the FDA timeline, retracted papers and every chart bar.
    assert any("has_results=true" in link for link in links)
    assert any(link.startswith("/milestones/?agency=FDA") for link in links)
    assert len(links) >= 8
    empty = []
    for link in links:
        response = client.get(link, follow=True)
        assert response.status_code == 200, link
        path = response.request["PATH_INFO"]
        if COUNTS[path](response.context) < 1:
            empty.append(link)
    assert not empty, f"shortcuts that find nothing: {empty}"
