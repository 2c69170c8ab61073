"""/health/ answers for operators and the smoke test: 200 when the database and the task
broker answer, 503 with the part that is down otherwise."""

from __future__ import annotations

import pytest
from django.test import Client

from config.celery import app as celery_app

CLOSED_PORT_BROKER = "redis://127.0.0.1:9/0"


@pytest.mark.django_db
def test_health_is_ok_when_database_and_broker_answer() -> None:
    response = Client().get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_reports_a_broker_that_does_not_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(celery_app.conf, "broker_url", CLOSED_PORT_BROKER)

    response = Client().get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "down"}


@pytest.mark.django_db
def test_health_answers_get_only() -> None:
    assert Client().post("/health/").status_code == 405
