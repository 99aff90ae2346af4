"""Security: the admin needs a login, repeated failed logins are locked out, admin forms
need a CSRF token, and no public URL accepts a write."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from evidence.models import EffectEstimate, Publication, RegulatoryMilestone
from trials.models import Trial

PASSWORD = "correct-horse-battery"  # what the make_staff fixture sets


def public_urls() -> list[str]:
    milestone = RegulatoryMilestone.objects.published().first()
    publication = Publication.objects.published().first()
    return [
        "/",
        "/trials/",
        "/trials/NCT03537014/",
        "/milestones/",
        f"/milestones/{milestone.pk}/",
        "/publications/",
        f"/publications/{publication.pk}/",
        "/evidence/",
        "/evidence/forest.svg",
        "/evidence/rows.csv",
    ]


def snapshot() -> dict:
    """Enough of the data to notice any write a request might make."""
    return {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at"))
        for model in (Trial, Publication, RegulatoryMilestone, EffectEstimate)
    }


def login(client, username: str, password: str):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
    )


@pytest.mark.django_db
def test_every_public_url_is_readable_by_anonymous_visitors(client, seeded):
    for url in public_urls():
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_anonymous_writes_to_public_urls_are_refused_and_change_nothing(client, seeded, method):
    before = snapshot()
    for url in public_urls():
        response = getattr(client, method)(url, {"title": "defaced"})
        assert response.status_code == 405, (method, url, response.status_code)
    assert snapshot() == before


@pytest.mark.django_db
def test_the_admin_asks_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("admin:evidence_regulatorymilestone_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_a_correct_login_reaches_the_admin(client, editor):
    response = login(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_out_even_with_the_right_password(
    client, editor, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, "editor", "wrong-guess")
        assert "_auth_user_id" not in client.session
    response = login(client, "editor", PASSWORD)
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_a_lockout_is_per_account_so_other_editors_can_still_log_in(client, make_staff, settings):
    make_staff("editor")
    make_staff("colleague")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "editor", "wrong-guess")
    assert login(client, "colleague", PASSWORD).status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_admin_forms_refuse_a_post_without_a_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(
        reverse("admin:evidence_regulatorymilestone_add"),
        {
            "date": datetime.date(2025, 1, 1).isoformat(),
            "date_precision": "day",
            "agency": "FDA",
            "kind": "other",
            "title": "Forged milestone",
            "sources": "https://example.org/forged",
            "change_reason": "forged",
        },
    )
    assert response.status_code == 403
    assert not RegulatoryMilestone.objects.filter(title="Forged milestone").exists()
