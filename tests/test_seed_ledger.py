"""The seed ledger: a seeded record an editor deleted stays deleted, and `seed` says so."""

import io

import pytest
from django.core.management import call_command

from evidence.models import EffectEstimate, RegulatoryMilestone, SeedLedgerEntry
from trials.models import Trial


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_first_seed_records_every_key_it_applies():
    seed()
    kinds = dict.fromkeys(["trials", "publications", "milestones", "effect estimates"], 0)
    for kind in SeedLedgerEntry.objects.values_list("kind", flat=True):
        kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds == {
        "trials": 18,
        "publications": 24,
        "milestones": 23,
        "effect estimates": 7,
        "outcome families": 3,
    }


@pytest.mark.django_db
def test_a_deleted_milestone_is_not_recreated_by_the_next_seed():
    seed()
    RegulatoryMilestone.objects.get(seed_key="fda-spa-2017").delete()

    output = seed()

    assert not RegulatoryMilestone.objects.filter(seed_key="fda-spa-2017").exists()
    assert "milestones: 0 created, 22 already present, 1 skipped (deleted since seeded)" in output


@pytest.mark.django_db
def test_list_skipped_names_the_deleted_keys_and_changes_nothing():
    seed()
    RegulatoryMilestone.objects.get(seed_key="fda-spa-2017").delete()
    EffectEstimate.objects.get(seed_key="danforth-lsas").delete()
    entries = SeedLedgerEntry.objects.count()

    output = seed("--list-skipped")

    assert "milestones: fda-spa-2017" in output
    assert "effect estimates: danforth-lsas" in output
    assert "2 seed key(s) will not be recreated." in output
    assert SeedLedgerEntry.objects.count() == entries
    assert not EffectEstimate.objects.filter(seed_key="danforth-lsas").exists()


@pytest.mark.django_db
def test_a_deleted_trial_stays_deleted_and_its_estimates_are_not_orphaned():
    seed()
    trial = Trial.objects.get(slug="autism-social-anxiety")
    trial.effect_estimates.all().delete()
    trial.delete()

    seed()

    assert not Trial.objects.filter(slug="autism-social-anxiety").exists()
    assert not EffectEstimate.objects.filter(seed_key="danforth-lsas").exists()


@pytest.mark.django_db
def test_a_key_in_the_ledger_is_never_created_even_on_an_empty_database():
    # e.g. a ledger restored from a backup taken after an editor's deletion.
    SeedLedgerEntry.objects.create(kind="milestones", key="fda-spa-2017", object_id=999)

    seed()

    assert not RegulatoryMilestone.objects.filter(seed_key="fda-spa-2017").exists()
    assert RegulatoryMilestone.objects.count() == 22
