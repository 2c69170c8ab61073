"""Helpers of the export tests (test_export_*.py); no tests here."""

from __future__ import annotations

import csv
import io
from typing import Any

from conftest import TOTP_KEYS, MarketFactory, UserFactory, add_totp_device
from django.test import Client
from openpyxl import load_workbook

from accounts.models import User
from exports.models import ExportJob
from markets.models import Market, Membership, Region, Role


def staff_make(
    username: str, role: Role, *, market: Market | None = None, region: Region | None = None
) -> User:
    """A member of staff with a confirmed authenticator (so verified_client works)."""
    user = UserFactory.create(username=username)
    Membership.objects.create(user=user, role=role, market=market, region=region)
    add_totp_device(user, TOTP_KEYS[role])
    return user


def market_make(region: Region, name: str) -> Market:
    return MarketFactory.create(region=region, name=name)


def export_post(client: Client, list_name: str, fmt: str, **filters: Any) -> Any:
    return client.post("/exports/new/", {"list": list_name, "format": fmt, **filters})


def job_last() -> ExportJob:
    job = ExportJob.objects.order_by("-pk").first()
    assert job is not None
    return job


def file_rows(job: ExportJob) -> list[list[Any]]:
    """The job's file as rows of cells (CSV: text; XLSX: values as stored)."""
    with job.file.open("rb") as handle:
        content = handle.read()
    if job.format == "csv":
        assert content.startswith(b"\xef\xbb\xbf")  # a byte-order mark, for Excel
        text = content.decode("utf-8-sig")
        return [list(row) for row in csv.reader(io.StringIO(text))]
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def xlsx_cells(job: ExportJob) -> list[list[Any]]:
    """The XLSX file's cells themselves (to look at their types)."""
    with job.file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows()]


def response_bytes(response: Any) -> bytes:
    return b"".join(response.streaming_content)
