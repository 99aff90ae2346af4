"""The data model's rules: ids, partial dates, phases, sources and effect estimates."""

import datetime
import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from editorial.models import parse_source
from evidence.models import EffectEstimate, Metric, Publication, RegulatoryMilestone
from trials.choices import IdentifierKind, RecordSource
from trials.dates import PartialDate, Precision, parse_partial_date, partial_date_end
from trials.models import Phase, Trial, TrialIdentifier

SOURCE = "doi:10.1038/s41591-021-01336-3"


def make_trial(**fields) -> Trial:
    values = {"brief_title": "A trial", "sources": SOURCE} | fields
    return Trial.objects.create(**values)


def refused_fields(record) -> dict[str, list[str]]:
    """What full_clean() finds wrong with ``record``, by field; fails the test if nothing."""
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    return error.value.message_dict


def curated_record_without_source(model_name: str):
    """An unsaved record of a curated kind, complete except for its sources."""
    records = [
        Publication(title="A paper", kind="trial_report"),
        RegulatoryMilestone(
            date=datetime.date(2024, 8, 9),
            agency="FDA",
            kind="crl",
            title="Complete response letter",
        ),
        EffectEstimate(
            label="MAPP1",
            outcome_measure="CAPS-5 total severity",
            comparison="MDMA vs placebo",
            metric=Metric.COHENS_D,
            value=0.91,
        ),
        Trial(brief_title="A curated trial", slug="a-curated-trial"),
    ]
    return next(record for record in records if type(record).__name__ == model_name)


CURATED_MODELS = ["Publication", "RegulatoryMilestone", "EffectEstimate", "Trial"]


# NCT ids


@pytest.mark.django_db
def test_duplicate_nct_id_is_refused_by_the_database():
    make_trial(nct_id="NCT03537014")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_trial(nct_id="NCT03537014", slug="another")


@pytest.mark.django_db
def test_duplicate_nct_id_is_refused_by_full_clean():
    make_trial(nct_id="NCT03537014")
    duplicate = Trial(nct_id="NCT03537014", brief_title="Copy", slug="copy", sources=SOURCE)
    assert "nct_id" in refused_fields(duplicate)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad_id", ["NCT123", "nct0353701", "NCT035370145", "NCT0353701X", "03537014", "NCT 03537014"]
)
def test_malformed_nct_id_is_refused_by_full_clean(bad_id):
    trial = Trial(nct_id=bad_id, brief_title="A trial", slug="a-trial", sources=SOURCE)
    assert "nct_id" in refused_fields(trial)


@pytest.mark.django_db
def test_lowercase_nct_id_is_stored_in_upper_case():
    trial = make_trial(nct_id="nct03537014")
    trial.refresh_from_db()
    assert trial.nct_id == "NCT03537014"


@pytest.mark.django_db
def test_lowercase_nct_id_passes_full_clean_as_upper_case():
    trial = Trial(nct_id=" nct03537014 ", brief_title="A trial", slug="a-trial", sources=SOURCE)
    trial.full_clean()
    assert trial.nct_id == "NCT03537014"


# Partial dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018", PartialDate(datetime.date(2018, 1, 1), Precision.YEAR)),
        ("2018-11", PartialDate(datetime.date(2018, 11, 1), Precision.MONTH)),
        ("2018-11-29", PartialDate(datetime.date(2018, 11, 29), Precision.DAY)),
    ],
)
def test_parse_partial_date_accepts_year_month_and_day(text, expected):
    assert parse_partial_date(text) == expected
    assert str(parse_partial_date(text)) == text


@pytest.mark.parametrize("text", ["2018-13", "18-11", "2018/11", "2018-02-30", "Nov 2018"])
def test_parse_partial_date_rejects_malformed_dates(text):
    with pytest.raises(ValueError, match=re.escape(repr(text))):
        parse_partial_date(text)


def test_month_precision_date_renders_without_a_day():
    assert str(PartialDate(datetime.date(2018, 11, 1), Precision.MONTH)) == "2018-11"


@pytest.mark.django_db
def test_trial_start_with_month_precision_renders_as_year_and_month():
    make_trial(start_date=datetime.date(2018, 11, 1), start_date_precision=Precision.MONTH)
    trial = Trial.objects.get()
    assert str(trial.start) == "2018-11"


@pytest.mark.parametrize(
    ("text", "last_day"),
    [
        ("2024", datetime.date(2024, 12, 31)),
        ("2024-02", datetime.date(2024, 2, 29)),
        ("2023-12", datetime.date(2023, 12, 31)),
        ("2024-08-09", datetime.date(2024, 8, 9)),
    ],
)
def test_partial_date_end_is_the_last_day_of_the_period(text, last_day):
    assert partial_date_end(parse_partial_date(text)) == last_day


@pytest.mark.django_db
def test_trial_date_without_its_precision_is_refused():
    trial = Trial(
        brief_title="A trial", slug="a-trial", sources=SOURCE, start_date=datetime.date(2018, 11, 1)
    )
    assert "start_date_precision" in refused_fields(trial)


# Phases


@pytest.mark.django_db
def test_phase_2_3_trial_is_found_once_under_each_phase():
    combined = make_trial(slug="combined")
    combined.phases.set(Phase.objects.filter(code__in=["PHASE2", "PHASE3"]))
    make_trial(slug="phase-one").phases.set(Phase.objects.filter(code="PHASE1"))

    assert list(Trial.objects.filter(phases__code="PHASE2")) == [combined]
    assert list(Trial.objects.filter(phases__code="PHASE3")) == [combined]


# Sources


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", CURATED_MODELS)
def test_curated_record_without_source_is_refused_by_full_clean(model_name):
    record = curated_record_without_source(model_name)
    assert "sources" in refused_fields(record)


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", CURATED_MODELS)
def test_curated_record_without_source_is_refused_by_the_database(model_name):
    record = curated_record_without_source(model_name)
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()


@pytest.mark.django_db
def test_curated_record_with_only_blank_lines_as_sources_is_refused():
    publication = Publication(title="A paper", kind="trial_report", sources="  \n\n ")
    assert "sources" in refused_fields(publication)


@pytest.mark.django_db
def test_registry_imported_trial_needs_no_source():
    trial = Trial(
        nct_id="NCT03537014",
        brief_title="From the registry",
        slug="nct03537014",
        record_source=RecordSource.REGISTRY,
    )
    trial.full_clean()
    trial.save()
    assert Trial.objects.filter(record_source=RecordSource.REGISTRY).get().sources == ""


def test_doi_source_links_to_doi_org():
    ref = parse_source("doi:10.1038/x")
    assert (ref.url, ref.kind) == ("https://doi.org/10.1038/x", "doi")


def test_pmid_source_links_to_pubmed():
    ref = parse_source("PMID:29728331")
    assert (ref.url, ref.kind) == ("https://pubmed.ncbi.nlm.nih.gov/29728331/", "pmid")


def test_bare_host_source_becomes_an_https_link():
    ref = parse_source("maps.org/mdma/ptsd/mapp1")
    assert ref.url == "https://maps.org/mdma/ptsd/mapp1"


def test_truncated_archive_path_stays_a_citation_without_a_link():
    ref = parse_source("maps.org/research/mdma/ptsd/phase3/timeline/6805-…")
    assert (ref.url, ref.kind) == ("", "citation")
    assert ref.text == "maps.org/research/mdma/ptsd/phase3/timeline/6805-…"


def test_free_text_source_stays_a_citation():
    ref = parse_source("helseforskning.etikkom.no (REK 2019/1288)")
    assert (ref.url, ref.kind) == ("", "citation")


# Finding trials


@pytest.mark.django_db
def test_find_by_lowercase_nct_id_returns_the_trial():
    mapp1 = make_trial(nct_id="NCT03537014", acronym="MAPP1")
    assert list(Trial.objects.find("nct03537014")) == [mapp1]


@pytest.mark.django_db
def test_find_by_former_nct_id_returns_the_same_trial_once():
    mapp1 = make_trial(nct_id="NCT03537014", acronym="MAPP1")
    TrialIdentifier.objects.create(trial=mapp1, kind=IdentifierKind.NCT_ALIAS, value="NCT01111111")
    TrialIdentifier.objects.create(trial=mapp1, kind=IdentifierKind.SPONSOR, value="MAPP1")
    assert list(Trial.objects.find("NCT01111111")) == [mapp1]


@pytest.mark.django_db
def test_find_by_unknown_nct_id_returns_nothing():
    make_trial(nct_id="NCT03537014")
    assert not Trial.objects.find("NCT09999999").exists()


@pytest.mark.django_db
def test_refresh_search_makes_a_trial_findable_by_its_other_ids(is_postgres):
    trial = make_trial(nct_id="NCT03537014", brief_title="MDMA-assisted therapy for PTSD")
    TrialIdentifier.objects.create(trial=trial, kind=IdentifierKind.SPONSOR, value="MAPP1")
    trial.refresh_search()

    assert Trial.objects.filter(search_text__icontains="MAPP1").get() == trial
    if is_postgres:
        query = SearchQuery("mapp1", config="english")
        assert list(Trial.objects.filter(search_vector=query)) == [trial]


# Effect estimates


def make_estimate(**fields) -> EffectEstimate:
    values = {
        "label": "MAPP1",
        "outcome_measure": "CAPS-5 total severity",
        "comparison": "MDMA vs placebo",
        "metric": Metric.COHENS_D,
        "value": 0.91,
        "sources": SOURCE,
    } | fields
    return EffectEstimate(**values)


@pytest.mark.django_db
def test_estimate_with_lower_limit_above_upper_limit_is_refused():
    assert "ci_low" in refused_fields(make_estimate(ci_low=1.2, ci_high=0.5))


@pytest.mark.django_db
@pytest.mark.parametrize("se", [0, -0.1])
def test_estimate_with_non_positive_standard_error_is_refused(se):
    assert "se" in refused_fields(make_estimate(se=se))


@pytest.mark.django_db
def test_estimate_with_only_one_confidence_limit_is_refused():
    with pytest.raises(ValidationError):
        make_estimate(ci_low=0.5).full_clean()


@pytest.mark.django_db
def test_estimate_with_ordered_limits_and_positive_se_is_accepted():
    make_estimate(ci_low=0.5, ci_high=1.3, se=0.2).full_clean()
