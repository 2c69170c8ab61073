"""The beat's schedule (config/settings/base.py ``CELERY_BEAT_SCHEDULE``), walked: every
periodic task it names is one the workers know, so a renamed or moved task cannot leave an
entry that the beat sends and no worker runs."""

from __future__ import annotations

from pytest_django.fixtures import Settings

from config.celery import app


def test_every_task_on_the_beat_schedule_is_one_the_workers_know(settings: Settings) -> None:
    app.loader.import_default_modules()  # as a worker does at start: every app's tasks module
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert len(scheduled) >= 10
    assert scheduled - set(app.tasks) == set()
    assert "workflows.inspections.tasks.inspection_photo_orphans_remove_task" in scheduled
