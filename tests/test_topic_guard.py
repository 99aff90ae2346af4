"""The topic guard: a study in which no intervention is MDMA (or another CTGOV_TOPIC_TERMS
word) is imported as a draft with the reason, listed for editors, and never public."""

import pytest

from editorial.models import State
from tests.ctgov_studies import mdma_study, run_import
from tests.test_import_ctgov import write_files
from trials.ctgov.parse import parse_study
from trials.ctgov.topic import OFF_TOPIC_REASON, off_topic_reason
from trials.models import ImportRun, Trial

TERMS = ["MDMA", "midomafetamine", "3,4-methylenedioxymethamphetamine", "ecstasy"]


def off_topic_study(nct_id="NCT09900201") -> dict:
    """The hand-made record with every MDMA mention replaced by a melanoma drug."""
    record = mdma_study(nct_id)
    arms = record["protocolSection"]["armsInterventionsModule"]
    for item in arms["interventions"]:
        item["name"], item["otherNames"] = "Pembrolizumab", ["Keytruda"]
    for arm in arms["armGroups"]:
        arm["description"] = "Pembrolizumab 200 mg every 3 weeks"
        arm["interventionNames"] = ["Drug: Pembrolizumab"]
    return record


def intervention_study(name="", other_names=(), arm_description="") -> dict:
    record = off_topic_study()
    arms = record["protocolSection"]["armsInterventionsModule"]
    arms["interventions"] = [{"type": "DRUG", "name": name, "otherNames": list(other_names)}]
    arms["armGroups"] = [{"label": "Arm", "description": arm_description}]
    return record


@pytest.mark.parametrize(
    "record, matches",
    [
        (intervention_study(name="MDMA"), True),
        (intervention_study(name="mdma-assisted therapy"), True),
        (intervention_study(name="Drug X", other_names=["Midomafetamine"]), True),
        (intervention_study(arm_description="3,4-methylenedioxymethamphetamine 120 mg"), True),
        (intervention_study(arm_description="Participants who used ecstasy"), True),
        (intervention_study(name="MDMAX"), False),  # a word match, not a substring
        (intervention_study(name="Pembrolizumab", other_names=["Keytruda"]), False),
        (intervention_study(arm_description="methylenedioxymethamphetamine"), False),
    ],
)
def test_the_topic_terms_match_whole_words_in_interventions_and_arms(record, matches):
    reason = off_topic_reason(parse_study(record), TERMS)
    assert (reason == "") is matches


def test_an_empty_term_list_turns_the_guard_off():
    assert off_topic_reason(parse_study(off_topic_study()), []) == ""


def test_the_default_terms_are_the_four_names_of_mdma(settings):
    assert settings.CTGOV_TOPIC_TERMS == TERMS


def test_an_off_topic_study_is_kept_as_a_draft_listed_for_editors_and_never_public(
    db, tmp_path, client, admin_client
):
    files = write_files(tmp_path, off_topic_study(), mdma_study("NCT09900202"))
    out, _ = run_import("--from-file", *files)
    assert "created 2" in out and "off-topic drafts 1" in out
    held = Trial.objects.get(nct_id="NCT09900201")
    assert held.state == State.DRAFT and held.off_topic_reason.startswith(OFF_TOPIC_REASON)
    assert Trial.objects.get(nct_id="NCT09900202").state == State.PUBLISHED
    run = ImportRun.objects.get()
    assert run.off_topic == 1 and "NCT09900201: kept as a draft" in run.log

    assert client.get("/trials/NCT09900201/").status_code == 404
    listing = client.get("/trials/").content.decode()
    assert "NCT09900202" in listing and "NCT09900201" not in listing
    exported = b"".join(client.get("/trials/?format=csv").streaming_content).decode()
    assert "NCT09900201" not in exported
    assert "NCT09900201" not in client.get("/").content.decode()

    queue = admin_client.get("/admin/").content.decode()
    assert "Off-topic imports kept as drafts (1)" in queue
    assert "NCT09900201" in queue and OFF_TOPIC_REASON in queue


def test_a_new_off_topic_study_stays_a_draft_even_when_imports_publish(db, tmp_path, settings):
    settings.IMPORT_PUBLISHES_TRIALS = True
    run_import("--from-file", *write_files(tmp_path, off_topic_study()))
    run_import("--from-file", *write_files(tmp_path, off_topic_study()), "--force")
    assert Trial.objects.get().state == State.DRAFT


def test_with_the_guard_off_every_study_is_published(db, tmp_path, settings):
    settings.CTGOV_TOPIC_TERMS = []
    out, _ = run_import("--from-file", *write_files(tmp_path, off_topic_study()))
    assert "off-topic drafts 0" in out
    trial = Trial.objects.get()
    assert trial.state == State.PUBLISHED and trial.off_topic_reason == ""


def test_the_real_samples_are_not_mdma_studies_and_none_is_published(db, ctgov_samples):
    files = sorted(str(p) for p in (ctgov_samples / "v2").glob("*.json"))
    out, _ = run_import("--from-file", *files)
    assert "created 32" in out and "off-topic drafts 32" in out
    assert not Trial.objects.published().exists()


@pytest.mark.parametrize(
    "raw, terms",
    [
        ("MDMA; ecstasy", ["MDMA", "ecstasy"]),
        ("3,4-methylenedioxymethamphetamine, MDMA", ["3,4-methylenedioxymethamphetamine", "MDMA"]),
        ("", []),
    ],
)
def test_the_topic_terms_setting_is_read_from_the_environment(raw, terms):
    from tests.test_settings import run_django

    code = "import django; django.setup(); from django.conf import settings; "
    result = run_django(code + "print(settings.CTGOV_TOPIC_TERMS)", CTGOV_TOPIC_TERMS=raw)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(terms)
