"""The permission matrix: who may open the admin, add a milestone, publish, delete a trial
and manage users, for each role the editorial migration creates."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from editorial.models import State
from evidence.models import RegulatoryMilestone
from trials.models import Trial

ROLES = ["anonymous", "editor", "lead editor", "superuser"]


def grid(*allowed: bool) -> list[tuple[str, bool]]:
    """One row of the matrix: (role, allowed) for each role in ROLES order."""
    return list(zip(ROLES, allowed, strict=True))


@pytest.fixture
def client_for(make_staff, django_user_model):
    """A logged-in browser for a role (or an anonymous one)."""

    def make(role: str) -> Client:
        client = Client()
        if role == "editor":
            client.force_login(make_staff("ed", "Editors"))
        elif role == "lead editor":
            client.force_login(make_staff("le", "Lead editors"))
        elif role == "superuser":
            client.force_login(
                django_user_model.objects.create_superuser("su", "su@example.org", "pw-12345678")
            )
        return client

    return make


def _milestone(**extra) -> RegulatoryMilestone:
    return RegulatoryMilestone.objects.create(
        date=datetime.date(2024, 8, 9),
        agency="FDA",
        kind="crl",
        title="Complete response letter for midomafetamine",
        sources="https://example.org/crl",
        **extra,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role,allowed", grid(False, True, True, True))
def test_only_staff_in_a_role_open_the_admin(client_for, role, allowed):
    response = client_for(role).get("/admin/")
    if allowed:
        assert response.status_code == 200
        assert "Review queue" in response.content.decode()
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_staff_without_a_role_sees_no_curated_models(make_staff):
    client = Client()
    client.force_login(make_staff("nobody", group=None))
    response = client.get(reverse("admin:evidence_regulatorymilestone_changelist"))
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role,allowed", grid(False, True, True, True))
def test_adding_a_milestone_is_for_editors_and_up(client_for, role, allowed):
    response = client_for(role).post(
        reverse("admin:evidence_regulatorymilestone_add"),
        {
            "date": "2024-06-04",
            "date_precision": "day",
            "agency": "FDA",
            "kind": "advisory_committee",
            "title": "Advisory committee votes against approval",
            "sources": "https://example.org/adcomm",
            "change_reason": "new milestone from the FDA briefing",
        },
    )
    added = RegulatoryMilestone.objects.filter(title__startswith="Advisory committee votes")
    assert added.exists() is allowed
    if allowed:
        milestone = added.get()
        assert milestone.state == State.DRAFT
        assert milestone.last_edited_by.username == {"editor": "ed", "lead editor": "le"}.get(
            role, "su"
        )
    else:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("role,allowed", grid(False, False, True, True))
def test_publishing_is_for_lead_editors_and_superusers(client_for, make_staff, role, allowed):
    milestone = _milestone(state=State.IN_REVIEW, last_edited_by=make_staff("author"))
    client_for(role).post(
        reverse("admin:evidence_regulatorymilestone_changelist"),
        {"action": "publish", "_selected_action": [milestone.pk]},
    )
    milestone.refresh_from_db()
    assert (milestone.state == State.PUBLISHED) is allowed
    assert (milestone.published_at is not None) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,allowed,status",
    [
        ("anonymous", False, 302),  # to the login page
        ("editor", False, 403),
        ("lead editor", True, 302),  # back to the trial list
        ("superuser", True, 302),
    ],
)
def test_deleting_a_trial_is_for_lead_editors_and_superusers(client_for, role, allowed, status):
    trial = Trial.objects.create(
        nct_id="NCT09999999", brief_title="A trial entered by mistake", sources="PMID:1"
    )
    response = client_for(role).post(
        reverse("admin:trials_trial_delete", args=[trial.pk]), {"post": "yes"}
    )
    assert response.status_code == status
    assert Trial.objects.filter(pk=trial.pk).exists() is not allowed


@pytest.mark.django_db
@pytest.mark.parametrize("role,allowed", grid(False, False, False, True))
def test_only_superusers_manage_users_and_groups(client_for, role, allowed):
    client = client_for(role)
    editors = Group.objects.get(name="Editors")
    client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
            "usable_password": "true",
        },
    )
    client.post(
        reverse("admin:auth_group_change", args=[editors.pk]),
        {"name": "Editors (renamed)", "permissions": []},
    )
    assert User.objects.filter(username="newcomer").exists() is allowed
    assert Group.objects.filter(name="Editors (renamed)").exists() is allowed
    if role in ("editor", "lead editor"):
        assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


@pytest.mark.django_db
def test_roles_carry_the_permissions_the_issue_lists():
    editors = Group.objects.get(name="Editors")
    leads = Group.objects.get(name="Lead editors")
    editor_perms = {f"{p.content_type.app_label}.{p.codename}" for p in editors.permissions.all()}
    lead_perms = {f"{p.content_type.app_label}.{p.codename}" for p in leads.permissions.all()}
    assert {"trials.change_trial", "evidence.add_regulatorymilestone"} <= editor_perms
    assert not {p for p in editor_perms if p.split(".")[1].startswith(("publish_", "delete_"))} - {
        "trials.delete_fieldlock"
    }
    assert not {p for p in editor_perms | lead_perms if p.startswith("auth.")}
    assert editor_perms < lead_perms
    assert {
        "trials.publish_trial",
        "evidence.publish_publication",
        "evidence.publish_regulatorymilestone",
        "evidence.publish_effectestimate",
        "trials.delete_trial",
        "evidence.delete_regulatorymilestone",
    } <= lead_perms
