"""Production settings: the deploy checks pass with every setting given, and start-up stops at
once when one is missing."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys

import pytest
from conftest import REPO_ROOT

DEPLOY_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "example.org",
    "DATABASE_URL": "sqlite:////tmp/x.sqlite3",
    "CELERY_BROKER_URL": "memory://",
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
            ("LGSC_", "SECURE_", "CSRF_", "CACHE_URL", "EMAIL_", "REDIS_", "AWS_")
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


@pytest.mark.parametrize("cache_url", ["locmemcache://", "dummycache://"])
def test_a_per_process_cache_is_refused(cache_url: str) -> None:
    """With four web processes a per-process throttle gives an attacker four times the tries."""
    result = manage("check", "--deploy", changes={"CACHE_URL": cache_url})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "CACHE_URL" in result.stderr
    assert "LGSC_SINGLE_HOST" in result.stderr


def test_a_single_host_may_keep_its_cache_in_its_process() -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        changes={"CACHE_URL": "locmemcache://", "LGSC_SINGLE_HOST": "true"},
    )

    assert result.returncode == 0, result.stderr + result.stdout


def test_stored_files_on_one_hosts_disk_are_refused() -> None:
    """Without a bucket an upload taken by host A could not be downloaded from host B."""
    result = manage("check", "--deploy", changes={"LGSC_S3_BUCKET": None})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "LGSC_S3_BUCKET" in result.stderr
    assert "LGSC_SINGLE_HOST" in result.stderr


def test_a_single_host_may_keep_its_files_on_its_disk() -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        changes={"LGSC_S3_BUCKET": None, "LGSC_SINGLE_HOST": "true"},
    )

    assert result.returncode == 0, result.stderr + result.stdout


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
