"""The Atom feed of pooled results that moved: one entry per snapshot whose pooled estimate,
interval or k changed, old → new in words, linked to the synthesis; drafts never in it."""

import pytest

from editorial.models import State
from evidence.models import EffectEstimate, OutcomeFamily, SynthesisSnapshot
from evidence.snapshots import record_snapshots
from tests.test_feeds import ATOM, parse_atom, titles

pytestmark = pytest.mark.django_db
FEED = "/feeds/syntheses/"
PTSD = "ptsd-clinician-rated"


def entries(client) -> list[dict]:
    feed = parse_atom(client.get(FEED))
    found = []
    for e in feed.findall(f"{ATOM}entry"):
        summary = e.find(f"{ATOM}summary")
        assert summary is not None and summary.text, "each entry says what moved"
        title, link = e.find(f"{ATOM}title").text, e.find(f"{ATOM}link").get("href")
        found.append({"title": title, "link": link, "text": summary.text})
    return found


def ptsd_entries(client) -> list[dict]:
    family = OutcomeFamily.objects.get(slug=PTSD)
    return [e for e in entries(client) if e["title"].startswith(family.name)]


def shown(value: float) -> str:
    return f"{value:.2f}"


def test_a_corrected_estimate_gives_an_entry_with_old_and_new_values(
    client, seeded, django_capture_on_commit_callbacks
):
    record_snapshots()
    [first] = ptsd_entries(client)
    assert first["text"].startswith("Pooled for the first time:") and "k = 2" in first["text"]
    assert first["link"] == f"http://testserver/evidence/?family={PTSD}"
    with django_capture_on_commit_callbacks(execute=True):
        estimate = EffectEstimate.objects.get(label="MAPP1", outcome_measure__startswith="CAPS")
        estimate.value = 0.95
        estimate.save()
    old, new = SynthesisSnapshot.objects.filter(family__slug=PTSD).order_by("taken_at", "pk")
    latest = ptsd_entries(client)[0]
    assert latest["text"].startswith("Pooled result changed from ")
    before, after = latest["text"].split(") to ", 1)
    assert shown(old.result["estimate"]) in before
    assert after.startswith(f"Hedges' g {shown(new.result['estimate'])} (95% CI ")
    assert f"{shown(new.result['ci_low'])} to {shown(new.result['ci_high'])}; k = 2" in after
    assert len(ptsd_entries(client)) == 2


def test_a_snapshot_that_moves_nothing_shown_has_no_entry(client, seeded):
    record_snapshots()
    first = SynthesisSnapshot.objects.filter(family__slug=PTSD).get()
    SynthesisSnapshot.objects.create(
        family=first.family,
        taken_at=first.taken_at.replace(year=first.taken_at.year + 1),
        inputs_hash="same-result-new-version",
        method=first.method,
        ci_method=first.ci_method,
        inputs=first.inputs,
        result={**first.result, "estimate": first.result["estimate"] + 1e-9},
        summary=first.summary,
    )
    assert len(ptsd_entries(client)) == 1


def test_losing_the_pool_is_said_in_words(client, seeded, django_capture_on_commit_callbacks):
    record_snapshots()
    with django_capture_on_commit_callbacks(execute=True):
        estimate = EffectEstimate.objects.get(label="MAPP2", outcome_measure__startswith="CAPS")
        estimate.state = State.DRAFT
        estimate.save()
    latest = ptsd_entries(client)[0]
    assert latest["text"].startswith("No longer pooled") and "k = 2" in latest["text"]


def test_drafts_never_appear(client, seeded, django_capture_on_commit_callbacks):
    record_snapshots()
    before = [e["text"] for e in ptsd_entries(client)]
    mapp1 = EffectEstimate.objects.get(label="MAPP1", outcome_measure__startswith="CAPS")
    with django_capture_on_commit_callbacks(execute=True):
        draft = EffectEstimate.objects.get(pk=mapp1.pk)
        draft.pk = None
        draft.seed_key = None
        draft.label = "DRAFT-ONLY TRIAL"
        draft.value = -3.0
        draft.state = State.DRAFT
        draft.save()
    assert [e["text"] for e in ptsd_entries(client)] == before
    body = client.get(FEED).content.decode()
    assert "DRAFT-ONLY" not in body


def test_the_synthesis_page_advertises_the_feed(client, seeded):
    page = client.get("/evidence/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/feeds/syntheses/"' in page
    assert titles(parse_atom(client.get(FEED))) == []  # no snapshots yet: a valid empty feed
