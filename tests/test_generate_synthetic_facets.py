"""`generate_synthetic` writes its own rows fast; the list must still count its trials."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from trials.ctgov.parse import raw_hash
from trials.models import Site, Trial, TrialFacetValue
from trials.models.facet_values import facet_rows

pytestmark = pytest.mark.django_db


def generate(count: int, seed: int = 7) -> None:
    call_command("generate_synthetic", trials=count, seed=seed, stdout=StringIO())


def facet(client, url, param) -> dict[str, int]:
    found = next(f for f in client.get(url).context["facets"] if f.param == param)
    return {option.value: option.count for option in found.options}


def test_the_country_facet_counts_every_generated_trial_with_a_site_there(client):
    generate(25)
    pairs = set(Site.objects.values_list("trial_id", "country_code"))
    with_site = Counter(code for _, code in pairs)
    assert facet(client, "/trials/", "country") == dict(with_site)
    assert client.get("/trials/?country=US").context["count"] == with_site["US"]


def test_the_facet_rows_are_the_ones_a_refresh_would_write():
    generate(20)
    ids = list(Trial.objects.values_list("pk", flat=True))
    written = set(TrialFacetValue.objects.values_list("trial_id", "facet", "value", "published"))
    assert written == {(r.trial_id, r.facet, r.value, r.published) for r in facet_rows(ids)}


def test_the_stored_hash_is_the_hash_of_the_stored_record():
    generate(5)
    for trial in Trial.objects.all():
        assert trial.raw_hash == raw_hash(trial.raw_json)
