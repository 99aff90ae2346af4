"""An estimate from a retracted paper is flagged in every view of a synthesis that includes it."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

WITH_RETRACTED = {"family": "ptsd-clinician-rated", "include_retracted": "1"}
SVG = "{http://www.w3.org/2000/svg}"
REASON = (
    "Retracted by Psychopharmacology on 10 Aug 2024: protocol violations at the MP-4 site "
    "(unethical conduct) and undisclosed competing interests."
)
WARNING = "Warning: it includes 1 estimate from a paper retracted on 2024-08-10."


def csv_lines(response) -> dict[str, dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row["study"]: row for row in csv.DictReader(io.StringIO(body))}


@pytest.mark.django_db
def test_rows_csv_gives_the_retraction_date_and_reason(client, seeded):
    rows = csv_lines(client.get(reverse("public:rows_csv"), WITH_RETRACTED))
    pooled = rows["Pooled phase 2 (Mithoefer 2019)"]
    assert (pooled["retracted_on"], pooled["retraction_reason"]) == ("2024-08-10", REASON)
    assert (rows["MAPP1"]["retracted_on"], rows["MAPP1"]["retraction_reason"]) == ("", "")


@pytest.mark.django_db
def test_rows_json_gives_the_retraction_and_the_warning(client, seeded):
    data = client.get(reverse("public:rows_json"), WITH_RETRACTED).json()
    rows = {row["study"]: row for row in data["rows"]}
    assert rows["Pooled phase 2 (Mithoefer 2019)"]["retracted_on"] == "2024-08-10"
    assert rows["Pooled phase 2 (Mithoefer 2019)"]["retraction_reason"] == REASON
    assert rows["MAPP2"]["retracted_on"] == ""
    assert data["summary"].endswith(WARNING)


@pytest.mark.django_db
def test_the_downloaded_forest_plot_marks_the_retracted_row(client, seeded):
    root = ET.fromstring(client.get(reverse("public:forest_svg"), WITH_RETRACTED).content)
    marks = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "study":
            label = group.find(f"{SVG}text")
            title = label.find(f"{SVG}title")
            name = title.text if title is not None else label.text
            marks[name] = [t.text for t in label.iter(f"{SVG}tspan")]
    assert marks["Pooled phase 2 (Mithoefer 2019) (retracted)"] == ["† retracted"]
    assert marks["MAPP1"] == []
    assert WARNING in root.find(f"{SVG}desc").text


@pytest.mark.django_db
def test_the_page_shows_the_warning_and_the_dagger(client, seeded):
    page = client.get(reverse("public:synthesis"), WITH_RETRACTED).content.decode()
    assert WARNING in page
    assert "† retracted" in page  # in the on-screen plot and the table


@pytest.mark.django_db
def test_the_default_synthesis_has_no_retraction_warning(client, seeded):
    data = client.get(reverse("public:rows_json"), {"family": "ptsd-clinician-rated"}).json()
    assert "retracted" not in data["summary"]
    assert all(row["retracted_on"] == "" for row in data["rows"])
