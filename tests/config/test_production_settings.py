"""Production settings: the deploy checks pass with every setting given, and start-up stops at
once when one is missing."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from typing import Any

import pytest
from conftest import REPO_ROOT

DEPLOY_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "example.org",
    "DATABASE_URL": "sqlite:////tmp/x.sqlite3",
    # A Redis broker (never connected to by these checks), which beat's lock uses too.
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "PERSONAL_DATA_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    "PERSONAL_DATA_INDEX_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    "AUDIT_MAC_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    "AUDIT_ANCHOR_DIR": "/tmp/lgsc-audit-anchors",  # noqa: S108 -- never written by these checks
    # A shared cache (never connected to by these checks).
    "CACHE_URL": "rediscache://127.0.0.1:6379/1",
    # A shared bucket for stored files (never connected to by these checks).
    "LGSC_S3_BUCKET": "lgsc-files",
    "LGSC_S3_ENDPOINT_URL": "http://127.0.0.1:9",
}


def manage(
    *args: str, changes: dict[str, str | None] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run manage.py in a fresh interpreter with DEPLOY_ENV, changed by ``changes`` (None
    removes a variable). Nothing of the surrounding environment's deploy settings leaks in."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(
            ("LGSC_", "SECURE_", "CSRF_", "CACHE_URL", "EMAIL_", "REDIS_", "REDBEAT_", "AWS_")
        )
    }
    env |= DEPLOY_ENV
    for name, value in (changes or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(  # noqa: S603 -- our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deploy_checks_pass_with_every_setting_given() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "DATABASE_URL",
        "ALLOWED_HOSTS",
        "PERSONAL_DATA_KEYS",
        "PERSONAL_DATA_INDEX_KEY",
        "AUDIT_MAC_KEYS",
        "AUDIT_ANCHOR_DIR",
        "CACHE_URL",
    ],
)
def test_start_up_stops_when_a_setting_is_missing(missing: str) -> None:
    result = manage("check", "--deploy", changes={missing: None})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_a_weak_secret_key_fails_the_deploy_checks() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", changes={"SECRET_KEY": "short"})

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_a_trusted_proxy_that_is_no_address_is_refused() -> None:
    result = manage("check", "--deploy", changes={"LGSC_TRUSTED_PROXIES": "127.0.0.1,nginx"})

    assert result.returncode != 0
    assert "LGSC_TRUSTED_PROXIES" in result.stderr
    assert "'nginx'" in result.stderr


def beat_settings(changes: dict[str, str | None] | None = None) -> dict[str, Any]:
    """The beat's settings as Celery reads them (``celery -A config beat`` takes these)."""
    script = (
        "import json; from config.celery import app; c = app.conf; print(json.dumps({"
        "'scheduler': c.beat_scheduler, 'max_loop_interval': c.beat_max_loop_interval, "
        "'redis_url': c.get('redbeat_redis_url'), 'lock_key': c.get('redbeat_lock_key'), "
        "'lock_timeout': c.get('redbeat_lock_timeout'), "
        "'schedule': sorted(c.beat_schedule)}))"
    )
    result = manage("shell", "-c", script, changes=changes)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_beat_runs_redbeat_behind_a_lock_in_the_broker_redis() -> None:
    beat = beat_settings()

    assert beat["scheduler"] == "redbeat.RedBeatScheduler"
    assert beat["redis_url"] == DEPLOY_ENV["CELERY_BROKER_URL"]
    assert beat["lock_key"] == "redbeat::lock"
    assert beat["lock_timeout"] == 30
    assert beat["max_loop_interval"] == 5  # the lock is renewed at least this often
    assert "sla-sweep" in beat["schedule"]  # the project's CELERY_BEAT_SCHEDULE, unchanged


def test_beat_takes_its_redis_and_lock_timeout_from_the_environment() -> None:
    beat = beat_settings(
        {
            "CELERY_BROKER_URL": "amqp://lgsc:secret@mq.example.org:5672//",
            "REDBEAT_REDIS_URL": "redis://beat.example.org:6379/2",
            "REDBEAT_LOCK_TIMEOUT": "60",
        }
    )

    assert beat["scheduler"] == "redbeat.RedBeatScheduler"
    assert beat["redis_url"] == "redis://beat.example.org:6379/2"
    assert beat["lock_timeout"] == 60


def test_a_rabbitmq_broker_without_a_redis_for_beat_is_refused() -> None:
    result = manage(
        "check", changes={"CELERY_BROKER_URL": "amqp://lgsc:secret@mq.example.org:5672//"}
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "REDBEAT_REDIS_URL" in result.stderr
    assert "LGSC_SINGLE_HOST" in result.stderr
    assert "secret" not in result.stderr  # the broker's password stays out of the logs


def test_a_single_host_with_rabbitmq_keeps_a_file_scheduler_refusing_a_second_beat() -> None:
    beat = beat_settings(
        {"CELERY_BROKER_URL": "amqp://mq.example.org:5672//", "LGSC_SINGLE_HOST": "true"}
    )

    assert beat["scheduler"] == "config.beat.SingleFileScheduler"
    assert beat["redis_url"] is None


def test_a_lock_timeout_a_live_beat_could_lose_is_refused() -> None:
    result = manage("check", changes={"REDBEAT_LOCK_TIMEOUT": "10"})

    assert result.returncode != 0
    assert "REDBEAT_LOCK_TIMEOUT" in result.stderr


# What one process or one host keeps to itself: refused, unless LGSC_SINGLE_HOST says there
# is one. With four web processes a per-process throttle gives an attacker four times the
# tries; without a bucket an upload taken by host A cannot be downloaded from host B.
KEPT_TO_ITSELF = [
    pytest.param({"CACHE_URL": "locmemcache://"}, "CACHE_URL", id="cache-in-the-process"),
    pytest.param({"LGSC_S3_BUCKET": None}, "LGSC_S3_BUCKET", id="files-on-the-hosts-disk"),
]


@pytest.mark.parametrize(("changes", "setting"), KEPT_TO_ITSELF)
def test_state_one_process_or_host_keeps_to_itself_is_refused(
    changes: dict[str, str | None], setting: str
) -> None:
    result = manage("check", "--deploy", changes=changes)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert setting in result.stderr
    assert "LGSC_SINGLE_HOST" in result.stderr


@pytest.mark.parametrize(("changes", "setting"), KEPT_TO_ITSELF)
def test_a_single_host_may_keep_it_to_itself(changes: dict[str, str | None], setting: str) -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        changes={**changes, "LGSC_SINGLE_HOST": "true"},
    )

    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize("single_host", [None, "true"])
def test_a_cache_that_keeps_nothing_is_refused_even_on_a_single_host(
    single_host: str | None,
) -> None:
    """The kiosk's throttle and the sign-in lock-outs would never count."""
    changes = {"CACHE_URL": "dummycache://", "LGSC_SINGLE_HOST": single_host}
    result = manage("check", "--deploy", changes=changes)

    assert result.returncode != 0
    assert "CACHE_URL" in result.stderr
    assert "keeps nothing" in result.stderr


def test_the_bucket_is_private_encrypted_and_never_overwritten() -> None:
    code = (
        "from django.conf import settings; import json; o = settings.STORAGES['default'];"
        "opts = o['OPTIONS'];"
        "print(json.dumps([o['BACKEND'], opts['bucket_name'], opts['default_acl'],"
        " opts['object_parameters'], opts['file_overwrite'],"
        " opts['client_config'].s3['addressing_style']]))"
    )
    result = manage(
        "shell",
        "-c",
        code,
        changes={"LGSC_S3_KMS_KEY_ID": "key-1", "LGSC_S3_ADDRESSING_STYLE": "path"},
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "storages.backends.s3.S3Storage",
        "lgsc-files",
        None,
        {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "key-1"},
        False,
        "path",
    ]


def test_the_bucket_is_encrypted_by_the_store_without_a_kms_key() -> None:
    code = (
        "from django.conf import settings;"
        "print(settings.STORAGES['default']['OPTIONS']['object_parameters'])"
    )
    result = manage("shell", "-c", code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "{'ServerSideEncryption': 'AES256'}"


def test_an_unknown_addressing_style_stops_start_up() -> None:
    result = manage("check", changes={"LGSC_S3_ADDRESSING_STYLE": "sideways"})

    assert result.returncode != 0
    assert "LGSC_S3_ADDRESSING_STYLE" in result.stderr
