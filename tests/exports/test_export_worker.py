"""Long exports are built by a Celery worker: the request only makes the job; a real worker on a
real Redis builds the file, reporting its progress on the job as it goes; the page then links
the file. The progress itself is checked in-process, chunk by chunk (no timing involved).

The worker test needs the Redis of ``make test`` (REDIS_URL), like tests/sla/test_celery_worker.py.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import case_make
from django.test import Client
from exports_support import export_post, file_rows, job_last

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Case
from exports import files, services, xlsx
from exports.models import ExportJob, ExportState
from markets.models import Market

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sla"))

from worker_support import Worker, needs_redis, workers

BUILD_TIMEOUT = 60.0


def _cases(officer: User, n: int) -> list[Case]:
    return [case_make(officer, subject=f"第{i}件") for i in range(n)]


@pytest.fixture
def worker_start(tmp_path: Path) -> Iterator[Callable[[], Worker]]:
    with workers(tmp_path) as start:
        yield start


def _wait_until_finished(job: ExportJob, worker: Worker) -> ExportJob:
    give_up = time.monotonic() + BUILD_TIMEOUT
    while time.monotonic() < give_up:
        job.refresh_from_db()
        if job.is_finished:
            return job
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited:\n{worker.output()}")
        time.sleep(0.2)
    pytest.fail(f"the export was not built within {BUILD_TIMEOUT}s:\n{worker.output()}")


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_a_long_export_and_the_page_then_links_the_file(
    worker_start: Callable[[], Worker],
    officer: User,
    team_lead: User,
    nanning_market: Market,
    verified_client: Callable[[User], Client],
    settings: Any,
) -> None:
    settings.EXPORT_INLINE_MAX_ROWS = 2  # five rows: too many to build in the request
    _cases(officer, 5)
    lead = verified_client(team_lead)

    response = export_post(lead, "cases", "xlsx", market=nanning_market.pk)

    job = job_last()
    assert response["Location"] == f"/exports/{job.pk}/"
    assert (job.state, job.rows_total, job.rows_done) == (ExportState.QUEUED, 5, 0)
    page = lead.get(f"/exports/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page and "/download/" not in page

    job = _wait_until_finished(job, worker_start())

    assert (job.state, job.rows_done, job.rows_total) == (ExportState.DONE, 5, 5)
    assert len(file_rows(job)) == 1 + 5
    assert f'href="/exports/{job.pk}/download/"' in lead.get(f"/exports/{job.pk}/").content.decode()
    event = AuditEvent.objects.get(action="export.completed")
    assert (event.actor, event.new_values["rows"]) == (team_lead, 5)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_progress_moves_chunk_by_chunk_while_the_file_is_built(
    officer: User,
    team_lead: User,
    nanning_market: Market,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
) -> None:
    _cases(officer, 5)
    job = ExportJob.objects.create(
        requester=team_lead,
        list_name="cases",
        criteria={"market_id": nanning_market.pk},
        format=fmt,
        language="zh-hans",
    )
    monkeypatch.setattr(files, "CHUNK_SIZE", 2)
    seen: list[tuple[str, int, int]] = []
    report = services._progress

    def watched(job_id: int, rows: int) -> None:
        report(job_id, rows)
        row = ExportJob.objects.get(pk=job_id)
        seen.append((row.state, row.rows_done, row.rows_total))

    monkeypatch.setattr(services, "_progress", watched)

    built = services.export_build(job_id=job.pk)

    assert seen == [(ExportState.RUNNING, 2, 5), (ExportState.RUNNING, 4, 5)]
    assert (built.state, built.rows_done, built.percent) == (ExportState.DONE, 5, 100)
    assert len(file_rows(built)) == 1 + 5


@pytest.mark.django_db
def test_building_a_finished_export_again_changes_nothing(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    _cases(officer, 1)
    job = ExportJob.objects.create(
        requester=team_lead,
        list_name="cases",
        criteria={"market_id": nanning_market.pk},
        format="csv",
        language="zh-hans",
    )
    first = services.export_build(job_id=job.pk)

    again = services.export_build(job_id=job.pk)

    assert (again.state, again.file.name) == (ExportState.DONE, first.file.name)
    assert AuditEvent.objects.filter(action="export.completed").count() == 1


@pytest.mark.django_db
def test_a_requester_who_lost_the_role_before_the_build_gets_no_file(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    _cases(officer, 1)
    job = ExportJob.objects.create(
        requester=team_lead,
        list_name="cases",
        criteria={"market_id": nanning_market.pk},
        format="csv",
        language="zh-hans",
    )
    team_lead.memberships.all().delete()

    built = services.export_build(job_id=job.pk)

    assert (built.state, built.file.name) == (ExportState.FAILED, "")
    assert not AuditEvent.objects.filter(action="export.completed").exists()


def test_beat_removes_old_export_files_every_night() -> None:
    from django.conf import settings

    from config.celery import app

    name = str(settings.CELERY_BEAT_SCHEDULE["exports-files-purge"]["task"])
    app.loader.import_default_modules()
    assert name in app.tasks
    assert app.tasks[name].run.__module__ == "exports.tasks"


@pytest.mark.django_db
def test_a_list_longer_than_a_sheet_fails_instead_of_losing_rows(
    officer: User, team_lead: User, nanning_market: Market, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cases(officer, 3)
    monkeypatch.setattr(xlsx, "XLSX_MAX_ROWS", 3)  # the heading and two rows
    job = ExportJob.objects.create(
        requester=team_lead,
        list_name="cases",
        criteria={"market_id": nanning_market.pk},
        format="xlsx",
        language="zh-hans",
    )

    built = services.export_build(job_id=job.pk)

    assert (built.state, built.file.name) == (ExportState.FAILED, "")
    assert "at most 3 rows" in built.error
    assert not AuditEvent.objects.filter(action="export.completed").exists()
