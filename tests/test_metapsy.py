"""import_metapsy and the Metapsy dataset as a data source of /evidence/.

Reads the shared copy ../shared/metapsy/data-ptsd-mdmactr.csv (ODC-BY 1.0; attribution in
its SOURCES.md). Expected effects are written out by hand (Borenstein et al. 2009, ch. 4) or
taken from the dataset's own `.g` column, computed by the Metapsy team.
"""

import csv
import io
import math
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from evidence.metapsy import number, parse_rows
from evidence.models import MetapsyEstimate
from evidence.models.metapsy import METAPSY_ATTRIBUTION

DATASET = Path(__file__).resolve().parents[2] / "shared" / "metapsy" / "data-ptsd-mdmactr.csv"
MAPP1_WEEK18 = "Mitchell2021_msd_caps-5_Week18_18.00_clinician_mdma_pcb_NA_NA"


def import_dataset(path=DATASET):
    call_command("import_metapsy", str(path), verbosity=0)


@pytest.fixture
def imported(seeded):
    import_dataset()


def test_numbers_accept_a_decimal_comma_or_point_and_na():
    assert (number("4,00"), number("0.5"), number("NA"), number("")) == (4.0, 0.5, None, None)


def test_comma_delimited_with_decimal_points_parses_to_the_same_rows():
    text = DATASET.read_text(encoding="utf-8")
    rows = parse_rows(text)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow({k: v.replace(",", ".") if number_like(v) else v for k, v in row.items()})
    again = parse_rows(out.getvalue())
    assert [number(r["mean_arm1"]) for r in again] == [number(r["mean_arm1"]) for r in rows]


def number_like(value: str) -> bool:
    return value.replace(",", "", 1).replace("-", "", 1).isdigit()


def test_mapp1_caps5_week18_hedges_g_is_minus_0_771(imported):
    # 19.6 (SD 13.61, n 42) vs 29.9 (SD 12.77, n 37): pooled SD
    # sqrt((41*13.6096² + 36*12.7738²)/77) = 13.2256; d = -10.3/13.2256 = -0.77880;
    # J = 1 - 3/(4*77 - 1) = 0.990228; g = -0.77119.
    row = MetapsyEstimate.objects.get(row_id=MAPP1_WEEK18)
    assert row.effect == pytest.approx(-0.771, abs=0.0005)
    assert (row.n_arm1, row.n_arm2, row.metric, row.computed_from) == (
        42,
        37,
        "hedges_g",
        "means and SDs",
    )
    sd = math.sqrt((41 * 13.6095554666565**2 + 36 * 12.77380131362626**2) / 77)
    assert row.effect == pytest.approx((19.6 - 29.9) / sd * (1 - 3 / (4 * 77 - 1)), abs=1e-9)
    # The raw row is kept beside the computed number, as the dataset wrote it.
    assert (row.raw["mean_arm1"], row.raw[".g"]) == ("19,6", "-0,77119460782592442")


def test_every_row_is_stored_linked_and_agrees_with_the_datasets_own_g(imported):
    rows = parse_rows(DATASET.read_text(encoding="utf-8"))
    assert MetapsyEstimate.objects.count() == len(rows) == 61
    for record in MetapsyEstimate.objects.all():
        own = number(record.raw[".g"])
        if record.metric == "hedges_g" and own is not None:
            assert record.effect == pytest.approx(own, abs=1e-6), record.row_id
    linked = MetapsyEstimate.objects.filter(trial__isnull=False).values_list(
        "trial__nct_id", flat=True
    )
    assert set(linked) == {
        "NCT03537014",
        "NCT04077437",
        "NCT01211405",
        "NCT01793610",
        "NCT00353938",
        "NCT00090064",
    }
    mapp1 = MetapsyEstimate.objects.get(row_id=MAPP1_WEEK18)
    assert mapp1.publication.doi == "10.1038/s41591-021-01336-3"
    zero_events = MetapsyEstimate.objects.filter(effect__isnull=True)
    assert [r.note for r in zero_events] == ["c (arm 2 events) must be at least 1, got 0"]


def test_a_second_run_changes_nothing_and_a_changed_row_is_a_new_version(imported, tmp_path):
    versions = MetapsyEstimate.history.count()
    import_dataset()
    assert MetapsyEstimate.history.count() == versions
    text = DATASET.read_text(encoding="utf-8").replace(
        ";19,6;13,6095554666565;", ";19,0;13,6095554666565;"
    )
    changed = tmp_path / "data.csv"
    changed.write_text(text, encoding="utf-8")
    import_dataset(changed)
    row = MetapsyEstimate.objects.get(row_id=MAPP1_WEEK18)
    assert row.raw["mean_arm1"] == "19,0"
    assert row.history.count() == 2
    assert MetapsyEstimate.history.count() == versions + 1


def test_an_unreadable_source_fails_cleanly_and_writes_nothing(db, tmp_path):
    with pytest.raises(CommandError, match="Could not import"):
        call_command("import_metapsy", str(tmp_path / "missing.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="lacks the columns"):
        call_command("import_metapsy", str(bad))
    assert not MetapsyEstimate.objects.exists()


def test_metapsy_source_pools_one_comparison_per_trial_with_the_attribution(client, imported):
    page = client.get(reverse("public:synthesis"), {"source": "metapsy"}).content.decode()
    assert METAPSY_ATTRIBUTION in page
    assert "Across 6 trials (242 participants)" in page
    response = client.get(reverse("public:rows_csv"), {"source": "metapsy"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    by_trial = {r["trial"]: r for r in rows}
    assert len(rows) == len(by_trial) == 6
    # MP-8: the highest dose (125 mg) against the lowest-dose arm (30 mg).
    assert by_trial["NCT01211405"]["comparison"] == "mdma 125 mg vs mdma 30 mg"
    # Shown on the family's direction (higher favours MDMA): the sign of -0.771 is reversed.
    assert float(by_trial["NCT03537014"]["estimate"]) == pytest.approx(0.771195, abs=1e-6)
    assert {r["data_source"] for r in rows} == {METAPSY_ATTRIBUTION}
    svg = client.get(reverse("public:forest_svg"), {"source": "metapsy"}).content.decode()
    assert METAPSY_ATTRIBUTION in svg


def test_the_curated_source_stays_the_default_and_never_mixes(client, imported):
    rows = client.get(reverse("public:rows_csv")).streaming_content
    body = b"".join(rows).decode("utf-8-sig")
    assert METAPSY_ATTRIBUTION not in body
    assert client.get(reverse("public:synthesis"), {"source": "both"}).status_code == 400
