"""RIS, BibTeX and CSL-JSON for every publication, a filtered list, a trial and a synthesis."""

import json
import re

import pytest
from django.utils import timezone

from evidence.models import Publication
from public.citations import split_authors

pytestmark = pytest.mark.django_db


def ris_records(text: str) -> list[dict[str, list[str]]]:
    records, current = [], {}
    for line in text.split("\r\n"):
        match = re.match(r"^([A-Z][A-Z0-9])  - ?(.*)$", line)
        if not match:
            continue
        tag, value = match.groups()
        if tag == "ER":
            records.append(current)
            current = {}
        else:
            current.setdefault(tag, []).append(value)
    return records


def test_every_publication_exports_in_all_three_formats(client, seeded):
    for publication in Publication.objects.published():
        base = f"/cite/publications/{publication.pk}"
        (record,) = ris_records(client.get(f"{base}.ris").content.decode())
        assert record["TI"] == [publication.title.strip()] or record["TI"][0] in publication.title
        assert record["TY"][0] in {"JOUR", "RPRT", "NEWS"}
        bib = client.get(f"{base}.bibtex").content.decode()
        assert bib.startswith("@") and bib.count("{") == bib.count("}")
        (item,) = json.loads(client.get(f"{base}.csl-json").content)
        assert item["title"] == publication.title
        if publication.doi:
            assert record["DO"] == [publication.doi] and item["DOI"] == publication.doi
        if publication.year:
            assert item["issued"] == {"date-parts": [[publication.year]]}


def test_a_retracted_paper_says_so_in_its_citation(client, seeded):
    paper = Publication.objects.published().retracted().first()
    (record,) = ris_records(client.get(f"/cite/publications/{paper.pk}.ris").content.decode())
    assert record["N1"][0].startswith("RETRACTED 2024-08-10")
    (item,) = json.loads(client.get(f"/cite/publications/{paper.pk}.csl-json").content)
    assert item["note"].startswith("RETRACTED 2024-08-10")


def test_a_filtered_list_cites_what_the_page_lists(client, seeded):
    records = ris_records(
        client.get("/cite/publications.ris?retraction=retracted").content.decode()
    )
    assert len(records) == 3
    everything = json.loads(client.get("/cite/publications.csl-json").content)
    assert len(everything) == 24
    bad = client.get("/cite/publications.ris?kind=poem")
    assert bad.status_code == 400 and "kind" in bad.content.decode()
    assert client.get("/cite/publications.docx").status_code == 404


def test_a_trial_citation_has_the_access_date_and_data_timestamp(client, seeded):
    (record,) = ris_records(client.get("/cite/trials/NCT03537014.ris").content.decode())
    assert record["Y2"] == [timezone.localdate().isoformat()]
    assert record["N1"][0].startswith("Data as of 20")
    assert record["UR"][0].endswith("/trials/NCT03537014/")
    (item,) = json.loads(client.get("/cite/trials/NCT03537014.csl-json").content)
    today = timezone.localdate()
    assert item["accessed"] == {"date-parts": [[today.year, today.month, today.day]]}
    assert client.get("/cite/trials/NCT99999999.ris").status_code == 404


def test_a_synthesis_citation_keeps_its_options_and_result(client, seeded):
    url = "/cite/syntheses/ptsd-clinician-rated.bibtex?include_retracted=1"
    bib = client.get(url).content.decode()
    assert "urldate = {" in bib and "Data as of" in bib
    assert "0.79 (95\\% CI 0.55 to 1.03)" in bib
    assert "include\\_retracted=1" in bib or "include_retracted=1" in bib
    assert client.get("/cite/syntheses/ptsd-clinician-rated.ris?method=XX").status_code == 400


def test_pages_link_to_their_citations_and_feeds(client, seeded):
    trial = client.get("/trials/NCT03537014/").content.decode()
    assert 'href="/cite/trials/NCT03537014.bibtex"' in trial
    assert 'href="/feeds/trials/NCT03537014/changes/"' in trial
    evidence = client.get("/evidence/?family=ptsd-clinician-rated&method=FE").content.decode()
    assert 'href="/cite/syntheses/ptsd-clinician-rated.ris?method=FE"' in evidence
    listing = client.get("/publications/?retraction=retracted").content.decode()
    assert 'href="/cite/publications.ris?retraction=retracted"' in listing


def test_author_lists_drop_the_ellipsis():
    assert split_authors("Mitchell JM, Bogenschutz M, …") == ["Mitchell JM", "Bogenschutz M"]
    assert split_authors("") == []
