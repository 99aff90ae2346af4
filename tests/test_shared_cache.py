"""The versioned shared cache: counts are cached, and never outlive a publish or an import."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.cache.backends.filebased import FileBasedCache

from editorial import workflow
from editorial.models import State
from tests.ctgov_studies import mdma_study, run_import
from tests.factories import make_trial
from trials.datacache import VERSION_KEY, bump_data_version, versioned


def facet_counts(response, param) -> dict[str, int]:
    facet = next(f for f in response.context["facets"] if f.param == param)
    return {option.value: option.count for option in facet.options}


def test_a_publish_changes_the_list_counts_at_once(client, lead_editor):
    make_trial(phases=("PHASE2",))
    draft = make_trial(phases=("PHASE3",), state=State.IN_REVIEW)
    before = client.get("/trials/")
    assert before.context["count"] == 1
    assert "PHASE3" not in facet_counts(before, "phase")

    workflow.publish(draft, lead_editor)

    after = client.get("/trials/")
    assert after.context["count"] == 2
    assert facet_counts(after, "phase") == {"PHASE2": 1, "PHASE3": 1}
    assert "2 trials" in after.content.decode()


def test_a_withdrawal_changes_the_overview_counts_at_once(client, lead_editor):
    make_trial()
    shown = make_trial()
    assert client.get("/").context["trial_total"] == 2
    workflow.withdraw(shown, lead_editor, "Registered twice.")
    assert client.get("/").context["trial_total"] == 1


def test_an_import_changes_the_counts_at_once(client, db, tmp_path):
    make_trial(countries=("NO",))
    assert client.get("/trials/").context["count"] == 1
    path = tmp_path / "study.json"
    path.write_text(json.dumps(mdma_study()))
    run_import("--from-file", str(path))
    after = client.get("/trials/")
    assert after.context["count"] == 2
    assert facet_counts(after, "country")["NO"] == 1
    assert sum(facet_counts(after, "country").values()) >= 2


def test_the_same_filters_are_counted_once_while_nothing_changes(client, db):
    make_trial()
    client.get("/trials/?phase=PHASE2")
    calls = []
    versioned("trial-count", [("phase", ["PHASE2"])], lambda: calls.append(1))
    assert not calls  # the page stored it; nothing recomputes


def test_a_site_added_or_removed_moves_the_country_facet(client, db):
    trial = make_trial(countries=("US",))
    assert facet_counts(client.get("/trials/"), "country") == {"US": 1}
    site = trial.sites.create(country="Norway", country_code="NO")
    assert facet_counts(client.get("/trials/"), "country") == {"US": 1, "NO": 1}
    site.delete()
    assert facet_counts(client.get("/trials/?country=NO"), "country") == {"US": 1, "NO": 0}


def test_worker_processes_on_one_host_share_the_default_file_cache(tmp_path, settings):
    # Two backends on one directory stand for two gunicorn workers.
    first = FileBasedCache(str(tmp_path), {})
    second = FileBasedCache(str(tmp_path), {})
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
        "other": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
    }
    assert versioned("n", (), lambda: "old") == "old"
    assert versioned("n", (), lambda: "new", using="other") == "old"
    bump_data_version(using="other")
    assert versioned("n", (), lambda: "new") == "new"
    assert first.get(VERSION_KEY) == second.get(VERSION_KEY)


def cache_backend_with(cache_url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DATABASE_URL"}}
    show = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'])"
    )
    return subprocess.run(
        [sys.executable, "-c", show],
        env={**env, "CACHE_URL": cache_url, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )


def test_a_redis_cache_url_selects_the_redis_backend():
    result = cache_backend_with("redis://127.0.0.1:6390/0")
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


def test_a_cache_url_that_is_not_redis_stops_the_start_naming_the_variable():
    result = cache_backend_with("memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "CACHE_URL" in result.stderr


def test_an_answer_of_none_is_kept_until_the_data_changes(db):
    calls = []

    def nothing_yet():
        calls.append(1)
        return None  # e.g. "no registry import yet"

    assert versioned("none-answer", (), nothing_yet) is None
    assert versioned("none-answer", (), nothing_yet) is None
    assert len(calls) == 1
    bump_data_version()
    versioned("none-answer", (), nothing_yet)
    assert len(calls) == 2
