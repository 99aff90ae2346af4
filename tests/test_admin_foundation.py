"""Every registered admin page opens for an editor, and the trial search finds MAPP1."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from evidence.models import ProblemReport
from trials.models import (
    FieldLock,
    ImportRun,
    Intervention,
    OutcomeMeasure,
    RefusedStudy,
    ResultOutcome,
    Trial,
    TrialChange,
)

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
LOGIN = {
    "user_agent": "pytest",
    "ip_address": "127.0.0.1",
    "username": "editor",
    "http_accept": "text/html",
    "path_info": "/admin/login/",
}


@pytest.fixture
def every_model_has_a_row(seeded):
    """Rows for the registered models the seed data does not fill."""
    mapp1 = Trial.objects.get(nct_id="NCT03537014")
    run = ImportRun.objects.create(started_at=timezone.now(), status=ImportRun.Status.SUCCEEDED)
    RefusedStudy.objects.create(run=run, nct_id="NCT09900999", error="x", refused_at=run.started_at)
    TrialChange.objects.create(trial=mapp1, field="enrollment", old_value="90", new_value="91")
    FieldLock.objects.create(trial=mapp1, field="brief_title", reason="Registry title is wrong")
    Intervention.objects.create(trial=mapp1, name="Midomafetamine")
    ResultOutcome.objects.create(trial=mapp1, title="CAPS-5 total severity")
    Group.objects.get_or_create(name="Editors")
    AccessAttempt.objects.create(**LOGIN, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**LOGIN)
    AccessFailureLog.objects.create(**LOGIN)
    ProblemReport.objects.create(page="/trials/NCT03537014/", message="Enrollment is 91.")


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def changelist_problem(client, model) -> str | None:
    response = client.get(admin_url(model, "changelist"))
    if response.status_code != 200:
        return f"status {response.status_code}"
    if str(model._meta.verbose_name) not in response.content.decode().lower():
        return "verbose name missing"
    # The result count shows the rows are listed, not just an empty frame.
    if response.context["cl"].result_count != model.objects.count():
        return "rows missing"
    return None


def change_form_problem(client, model) -> str | None:
    obj = model.objects.order_by("pk").first()
    response = client.get(admin_url(model, "change", obj.pk))
    if response.status_code != 200:
        return f"status {response.status_code}"
    page = response.content.decode()
    if str(model._meta.verbose_name) not in page.lower():
        return "verbose name missing"
    if escape(str(obj)) not in page:
        return f"{obj} missing"
    return None


# One test walks every model (rather than one test per model) so the seed
# data is loaded once instead of forty times.
@pytest.mark.django_db
def test_admin_changelist_opens_for_every_registered_model(admin_client, every_model_has_a_row):
    problems = {m._meta.label: changelist_problem(admin_client, m) for m in REGISTERED}
    assert {label: p for label, p in problems.items() if p} == {}


@pytest.mark.django_db
def test_admin_change_form_opens_for_every_registered_model(admin_client, every_model_has_a_row):
    problems = {m._meta.label: change_form_problem(admin_client, m) for m in REGISTERED}
    assert {label: p for label, p in problems.items() if p} == {}


@pytest.mark.django_db
def test_admin_trial_form_shows_the_seeded_values(admin_client, seeded):
    mapp1 = Trial.objects.get(nct_id="NCT03537014")
    page = admin_client.get(admin_url(Trial, "change", mapp1.pk)).content.decode()
    assert "NCT id" in page
    assert 'value="NCT03537014"' in page
    outcomes = admin_client.get(
        admin_url(OutcomeMeasure, "changelist"), {"trial__id__exact": mapp1.pk}
    ).content.decode()
    assert "Sheehan Disability Scale (SDS)" in outcomes  # linked from the trial form


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["MAPP1", "NCT03537014", "Mitchell", "mapp1"])
def test_admin_trial_search_finds_mapp1(admin_client, seeded, term):
    response = admin_client.get(admin_url(Trial, "changelist"), {"q": term})
    found = list(response.context["cl"].result_list)
    assert [trial.acronym for trial in found] == ["MAPP1"] or (
        # "Mitchell" also wrote the MAPP2 report; MAPP1 must be among the hits, once.
        term == "Mitchell" and sorted(t.acronym for t in found) == ["MAPP1", "MAPP2"]
    )


@pytest.mark.django_db
def test_admin_trial_search_for_an_unknown_term_finds_nothing(admin_client, seeded):
    response = admin_client.get(admin_url(Trial, "changelist"), {"q": "no-such-trial-xyz"})
    assert response.context["cl"].result_count == 0


@pytest.mark.django_db
def test_admin_pages_refuse_an_anonymous_visitor(client, seeded):
    response = client.get(admin_url(Trial, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
