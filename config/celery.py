"""The Celery application. Settings come from Django's, under the CELERY_ prefix."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.embedded")

app = Celery("lgsc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.celery.database_analyze_task", ignore_result=True)
def database_analyze_task() -> bool:
    """The nightly ANALYZE of the embedded SQLite database (config/sqlite/base.py)."""
    from config.sqlite.base import database_analyze  # Django is set up when a task runs

    return database_analyze()
