"""The Celery application. Settings come from Django's, under the CELERY_ prefix."""

import logging.config
import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging

# The request id travels from the request into the tasks it starts (its signal receivers).
import config.requestid  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.embedded")

app = Celery("lgsc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _logging_as_django_does(**_: Any) -> None:
    """Workers and beat log as the web processes do (settings.LOGGING: JSON lines in
    production, each with the request id of the request that started the task), instead of
    Celery replacing the root logger's handlers with its own format."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@app.task(name="config.celery.database_analyze_task", ignore_result=True)
def database_analyze_task() -> bool:
    """The nightly ANALYZE of the embedded SQLite database (config/sqlite/base.py)."""
    from config.sqlite.base import database_analyze  # Django is set up when a task runs

    return database_analyze()
