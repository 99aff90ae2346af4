"""Citable snapshots: stored when a family's pooled inputs change, never twice for the same
state, each with a permanent page and a dated RIS/BibTeX citation."""

import re

from django.core.management import call_command
from django.urls import reverse

from evidence.models import EffectEstimate, OutcomeFamily, Publication, SynthesisSnapshot
from evidence.snapshots import record_snapshots

PTSD = "ptsd-clinician-rated"


def ptsd_snapshots():
    return SynthesisSnapshot.objects.filter(family__slug=PTSD).order_by("taken_at", "pk")


def test_seeded_families_get_one_snapshot_each_and_a_rerun_adds_none(seeded):
    record_snapshots()
    assert SynthesisSnapshot.objects.count() == OutcomeFamily.objects.count()
    assert record_snapshots() == 0
    call_command("snapshot_syntheses", verbosity=0)
    assert SynthesisSnapshot.objects.count() == OutcomeFamily.objects.count()
    [snapshot] = ptsd_snapshots()
    assert [i["label"] for i in snapshot.inputs] == ["MAPP1", "MAPP2"]
    assert snapshot.result["k"] == 2 and snapshot.method == "REML"


def test_a_retraction_saved_in_the_admin_path_stores_a_new_snapshot(
    seeded, django_capture_on_commit_callbacks
):
    record_snapshots()
    with django_capture_on_commit_callbacks(execute=True):
        paper = Publication.objects.get(seed_key="mitchell-2023")
        paper.retraction_status = "retracted"
        paper.save()
    first, second = ptsd_snapshots()
    assert [i["label"] for i in second.inputs] == ["MAPP1"]
    assert second.result == {}  # one estimate left: nothing pooled
    assert first.result["k"] == 2


def test_a_corrected_estimate_is_a_new_version_in_a_new_snapshot(
    seeded, django_capture_on_commit_callbacks
):
    record_snapshots()
    with django_capture_on_commit_callbacks(execute=True):
        estimate = EffectEstimate.objects.get(label="MAPP1", outcome_measure__startswith="CAPS")
        estimate.value = 0.95
        estimate.save()
    first, second = ptsd_snapshots()
    assert first.inputs[0]["version"] != second.inputs[0]["version"]
    assert second.result["estimate"] > first.result["estimate"]


def test_snapshot_page_has_a_permanent_url_and_a_dated_citation(client, seeded):
    record_snapshots()
    snapshot = ptsd_snapshots().get()
    day = snapshot.taken_at.date()
    page = client.get(snapshot.get_absolute_url()).content.decode()
    assert f"DA  - {day:%Y/%m/%d}" in page
    assert re.search(rf"@misc\{{mdma-evidence-snapshot-{snapshot.pk},", page)
    assert f"date = {{{day.isoformat()}}}" in page
    assert f"http://testserver/evidence/snapshots/{snapshot.pk}/" in page
    listing = client.get(reverse("public:synthesis")).content.decode()
    assert f'href="{snapshot.get_absolute_url()}"' in listing


def test_an_unknown_snapshot_is_404(client, db):
    assert client.get(reverse("public:snapshot", args=[999])).status_code == 404
