"""The default file storage from the environment: an S3-compatible bucket when LGSC_S3_BUCKET
is set (docs/deploy/storage.md), else None (the local folder MEDIA_ROOT).

Objects are private (no ACL is sent: the bucket's own, private, applies; never a public one),
encrypted at rest by the store (SSE-S3 ``AES256``, or SSE-KMS when LGSC_S3_KMS_KEY_ID is
given), and never overwritten (a name taken gets a suffix). Credentials come the usual boto3
way: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the machine's role.
"""

from __future__ import annotations

from typing import Any

import environ
from botocore.config import Config

S3_BACKEND = "storages.backends.s3.S3Storage"
ADDRESSING_STYLES = ("auto", "path", "virtual")


def s3_options(
    *,
    bucket: str,
    endpoint_url: str | None = None,
    region: str | None = None,
    addressing_style: str = "auto",
    prefix: str = "",
    kms_key_id: str = "",
    connect_timeout: float = 5,
    read_timeout: float = 60,
    max_attempts: int = 3,
) -> dict[str, Any]:
    """The OPTIONS of ``S3Storage`` for our files (see the module's docstring)."""
    if addressing_style not in ADDRESSING_STYLES:
        raise ValueError(f"addressing style {addressing_style!r} not in {ADDRESSING_STYLES}")
    encryption: dict[str, str] = (
        {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key_id}
        if kms_key_id
        else {"ServerSideEncryption": "AES256"}
    )
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "location": prefix.strip("/"),
        "default_acl": None,
        "object_parameters": encryption,
        "file_overwrite": False,
        # Files are streamed through the permission-checked views; a URL, when one is made,
        # is signed and short-lived.
        "querystring_auth": True,
        "querystring_expire": 60,
        "client_config": Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"max_attempts": max_attempts, "mode": "standard"},
            signature_version="s3v4",
            s3={"addressing_style": addressing_style},
        ),
    }


def s3_storage_from_env(env: environ.Env) -> dict[str, Any] | None:
    """``STORAGES["default"]`` for a bucket named by LGSC_S3_BUCKET; None when it is unset."""
    bucket = env.str("LGSC_S3_BUCKET", default="")
    if not bucket:
        return None
    try:
        options = s3_options(
            bucket=bucket,
            endpoint_url=env.str("LGSC_S3_ENDPOINT_URL", default=""),
            region=env.str("LGSC_S3_REGION", default=""),
            addressing_style=env.str("LGSC_S3_ADDRESSING_STYLE", default="auto"),
            prefix=env.str("LGSC_S3_PREFIX", default=""),
            kms_key_id=env.str("LGSC_S3_KMS_KEY_ID", default=""),
            connect_timeout=env.float("LGSC_S3_CONNECT_TIMEOUT", default=5.0),
            read_timeout=env.float("LGSC_S3_READ_TIMEOUT", default=60.0),
            max_attempts=env.int("LGSC_S3_MAX_ATTEMPTS", default=3),
        )
    except ValueError as error:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"LGSC_S3_ADDRESSING_STYLE: {error}") from error
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
