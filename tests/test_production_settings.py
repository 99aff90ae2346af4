"""Production defaults: check --deploy is clean, security headers are sent, each can be
switched off from the environment, and /healthz tells a load balancer what is wrong."""

import json
import secrets

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.test_settings import run, run_django
from trials.models import ImportRun

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "tracker.example.org",
}
SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
    "bool(s.CONTENT_SECURITY_POLICY), s.PERMISSIONS_POLICY != '', "
    "s.CROSS_ORIGIN_RESOURCE_POLICY)"
)


def test_check_deploy_with_production_settings_prints_no_warning():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_is_secure_by_default():
    out = run_django(SHOW, **PRODUCTION).stdout.split()
    expected = ["True", "31536000", "True", "True", "True", "None", "True", "True", "same-origin"]
    assert out == expected


def test_each_protection_can_be_switched_off_for_a_plain_http_intranet():
    off = {
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "CSP_ENABLED": "false",
        "PERMISSIONS_POLICY": "",
        "CROSS_ORIGIN_RESOURCE_POLICY": "",
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    }
    out = run_django(SHOW, **PRODUCTION, **off).stdout.split()
    assert out[:5] == ["False", "0", "True", "False", "False"]
    assert out[5:] == ["('HTTP_X_FORWARDED_PROTO',", "'https')", "False", "False"]


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy_and_other_headers(client, seeded):
    response = client.get("/trials/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/trials/", "/trials/NCT03537014/", "/milestones/", "/publications/", "/evidence/"]
)
def test_public_pages_carry_no_inline_style_or_script(client, seeded, url):
    html = client.get(url).content.decode()
    assert " style=" not in html and "<style" not in html
    assert "<script>" not in html and " on" + "click=" not in html


@pytest.mark.django_db
def test_https_redirect_and_hsts_behind_a_proxy_but_not_for_healthz(client, settings, seeded):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/trials/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    proxied = client.get("/trials/", headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_reports_database_migrations_and_import_age_in_one_query(client):
    finished = timezone.now() - timezone.timedelta(hours=3)
    ImportRun.objects.create(started_at=finished, finished_at=finished, status="succeeded")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz", headers={"Host": "10.0.0.7"})  # a probe by address
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    report = json.loads(response.content)
    assert report["status"] == "ok" and report["database"] == "ok"
    assert report["pending_migrations"] is False
    assert 3 * 3600 - 60 <= report["last_import_age_seconds"] <= 3 * 3600 + 60
    assert len(queries) == 1


@pytest.mark.django_db
def test_healthz_answers_503_naming_a_pending_migration(client):
    MigrationRecorder.Migration.objects.filter(app="trials").order_by("-name").first().delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    report = json.loads(response.content)
    assert report["failed"] == ["migrations"] and report["pending_migrations"] is True
    assert any(name.startswith("trials.") for name in report["pending"])


@pytest.mark.django_db
def test_healthz_answers_503_when_the_last_import_is_too_old(client, settings):
    settings.HEALTH_MAX_IMPORT_AGE_HOURS = 48
    old = timezone.now() - timezone.timedelta(days=5)
    ImportRun.objects.create(started_at=old, finished_at=old, status="succeeded")
    report = json.loads(client.get("/healthz").content)
    assert report["failed"] == ["import"] and report["database"] == "ok"


def test_an_unsafe_next_after_login_lands_on_the_admin(settings):
    assert settings.LOGIN_REDIRECT_URL == "/admin/"
