"""/health/ answers for operators and the smoke test: 200 when the database and the task
broker answer, 503 with the part that is down otherwise. /health/live/ says the process
answers; /health/ready/ checks the database, the cache, the broker and the default storage,
each made to fail in turn here against a real closed port."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
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


# --- /health/live/ and /health/ready/ (issue 15) -------------------------------------------------

CLOSED_PORT_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/1",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
ALL_READY = {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok", "storage": "ok"}


def test_live_answers_without_asking_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    """No database here (pytest-django refuses it to this test) and no broker: still 200."""
    monkeypatch.setattr(celery_app.conf, "broker_url", CLOSED_PORT_BROKER)

    response = Client().get("/health/live/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_is_ok_when_every_part_answers() -> None:
    response = Client().get("/health/ready/")

    assert response.status_code == 200
    assert response.json() == ALL_READY
    assert "no-cache" in response["Cache-Control"]


def test_ready_names_a_database_that_does_not_answer() -> None:
    """Without the django_db mark pytest-django refuses every connection to the database."""
    response = Client().get("/health/ready/")

    assert response.status_code == 503
    assert response.json() == ALL_READY | {"status": "unavailable", "database": "down"}


@pytest.mark.django_db
def test_ready_names_a_cache_that_does_not_answer(settings: Any) -> None:
    settings.CACHES = CLOSED_PORT_CACHE

    response = Client().get("/health/ready/")

    assert response.status_code == 503
    assert response.json() == ALL_READY | {"status": "unavailable", "cache": "down"}


@pytest.mark.django_db
def test_ready_names_a_broker_that_does_not_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(celery_app.conf, "broker_url", CLOSED_PORT_BROKER)

    response = Client().get("/health/ready/")

    assert response.status_code == 503
    assert response.json() == ALL_READY | {"status": "unavailable", "broker": "down"}


@pytest.mark.django_db
def test_ready_names_an_object_storage_that_does_not_answer(settings: Any) -> None:
    settings.STORAGES = settings.STORAGES | {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "lgsc-media",
                "endpoint_url": "http://127.0.0.1:9",
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "client_config": Config(
                    connect_timeout=1, read_timeout=1, retries={"max_attempts": 1}
                ),
            },
        }
    }

    response = Client().get("/health/ready/")

    assert response.status_code == 503
    assert response.json() == ALL_READY | {"status": "unavailable", "storage": "down"}


@pytest.mark.django_db
def test_live_and_ready_answer_get_only() -> None:
    assert Client().post("/health/live/").status_code == 405
    assert Client().post("/health/ready/").status_code == 405
