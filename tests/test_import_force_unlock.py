"""--force-unlock closes only a run whose process is gone; a live one is left alone."""

import socket
import subprocess
from datetime import timedelta

import pytest
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone

from tests.ctgov_studies import mdma_study, run_import
from tests.test_import_ctgov import write_files
from trials.models import ImportRun, Trial

sqlite_only = pytest.mark.skipif(
    connections["default"].vendor == "postgresql",
    reason="on PostgreSQL the advisory lock tells live runs from dead ones",
)


@pytest.fixture
def live_process():
    process = subprocess.Popen(["sleep", "60"])
    yield process
    process.kill()
    process.wait()


@sqlite_only
def test_force_unlock_refuses_while_the_recorded_process_is_alive(
    transactional_db, tmp_path, live_process
):
    running = ImportRun.objects.create(
        started_at=timezone.now(), status="running", pid=live_process.pid, host=socket.gethostname()
    )
    paths = write_files(tmp_path, mdma_study())
    with pytest.raises(CommandError) as refused:
        run_import("--from-file", *paths, "--force-unlock")
    message = str(refused.value)
    assert f"run {running.pk} is still alive" in message
    assert f"process {live_process.pid} on {socket.gethostname()}" in message
    running.refresh_from_db()
    assert running.status == "running"
    assert not Trial.objects.exists()


@sqlite_only
def test_force_unlock_closes_a_run_whose_process_has_died(transactional_db, tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = ImportRun.objects.create(
        started_at=timezone.now() - timedelta(hours=2),
        status="running",
        pid=dead.pid,
        host=socket.gethostname(),
    )
    run_import("--from-file", *write_files(tmp_path, mdma_study()), "--force-unlock")
    stale.refresh_from_db()
    assert stale.status == "failed" and "closed by --force-unlock" in stale.error_text
    latest = ImportRun.objects.latest("started_at")
    assert latest.status == "succeeded"
    assert latest.host == socket.gethostname() and latest.pid


def test_an_import_logs_its_summary_as_one_structured_line(transactional_db, tmp_path, caplog):
    caplog.set_level("INFO", logger="trials.ctgov")
    run_import("--from-file", *write_files(tmp_path, mdma_study()))
    [record] = [r for r in caplog.records if r.getMessage() == "import finished"]
    assert record.import_created == 1 and record.import_errors == 0
    assert record.status == "succeeded" and record.mode == "file"
