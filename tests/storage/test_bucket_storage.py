"""Stored files in an S3-compatible bucket (issue 15): a real S3 HTTP endpoint on loopback
(moto's server) and django-storages' S3Storage pointed at it, as production configures it
(config.storage_settings.s3_options). Uploads through the real views land in the bucket
encrypted and private, come back only through the permission-checked views, a store that
cannot be reached leaves no row and answers 503, and the hourly sweep works on the bucket.

Needs neither PostgreSQL nor Redis: it runs in both runs of the suite."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import boto3
import pytest
from conftest import MembershipFactory, UserFactory, add_totp_device, case_make
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from moto.server import ThreadedMotoServer
from online_support import posting_returned, posting_submitted_online
from pytest_django.fixtures import Settings

from accounts.models import User
from audit.models import AuditEvent
from cases.attachments import attachment_orphans_remove
from cases.models import Case, CaseAttachment, State
from config.storage_settings import S3_BACKEND, s3_options
from exports.models import ExportJob, ExportState
from exports.services import export_files_purge
from markets.models import Market, Role
from workflows.inspections.checklist import FACILITY_CODES, Result
from workflows.inspections.models import Inspection, InspectionPhoto
from workflows.inspections.services import (
    ItemGiven,
    inspection_photo_orphans_remove,
    inspection_record,
)
from workflows.inspections.tasks import inspection_photo_orphans_remove_task

pytestmark = [
    pytest.mark.xdist_group("bucket"),  # its module's fixtures made once (scripts/test-all)
    pytest.mark.django_db,
]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
NAME = "灵活就业人员社保补贴申请表.pdf"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}  # moto's dummies
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """A real S3 HTTP endpoint on 127.0.0.1, on a free port."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _client(endpoint_url: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint_url, region_name="us-east-1", **KEYS)


def _use_bucket(settings: Settings, endpoint_url: str, bucket: str, prefix: str = "") -> None:
    options = s3_options(bucket=bucket, endpoint_url=endpoint_url, max_attempts=1, prefix=prefix)
    options |= {
        "access_key": KEYS["aws_access_key_id"],
        "secret_key": KEYS["aws_secret_access_key"],
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": options},
    }


@pytest.fixture
def bucket(settings: Settings, endpoint: str) -> str:
    """A new bucket, and the default storage pointed at it."""
    name = f"lgsc-{uuid.uuid4().hex[:12]}"
    _client(endpoint).create_bucket(Bucket=name)
    _use_bucket(settings, endpoint, name)
    return name


@pytest.fixture
def s3(endpoint: str) -> Any:
    return _client(endpoint)


def _closed_port_url() -> str:
    """The address of a port nothing listens on: an endpoint that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _keys(s3: Any, bucket: str, prefix: str = "") -> list[str]:
    listing = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return [entry["Key"] for entry in listing.get("Contents", [])]


def _messages(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def case(officer: User) -> Case:
    return case_make(officer)


@pytest.fixture
def other_market_officer(liuzhou: Any) -> User:
    user = UserFactory.create(username="liuzhou-officer")
    MembershipFactory.create(user=user, role=Role.OFFICER, market__region=liuzhou)
    add_totp_device(user, "00112233445566778899aabbccddeeff00112233")
    return user


def _upload(client: Client, case: Case, name: str = NAME, content: bytes = PDF) -> Any:
    return client.post(
        f"/cases/{case.pk}/attachments/", {"file": SimpleUploadedFile(name, content)}
    )


# --- Attachments ------------------------------------------------------------------------------


def test_an_uploaded_attachment_is_a_private_encrypted_object_sent_only_to_who_may_see_it(
    verified_client: Callable[[User], Client],
    officer: User,
    other_market_officer: User,
    case: Case,
    bucket: str,
    s3: Any,
) -> None:
    response = _upload(verified_client(officer), case)

    assert response.status_code == 302
    attachment = CaseAttachment.objects.get(case=case)
    assert _keys(s3, bucket) == [attachment.file.name]
    assert attachment.file.name.startswith(f"cases/{case.pk}/")
    head = s3.head_object(Bucket=bucket, Key=attachment.file.name)
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentLength"] == len(PDF)
    grants = s3.get_object_acl(Bucket=bucket, Key=attachment.file.name)["Grants"]
    assert grants, "the owner's grant is listed"
    assert {grant["Grantee"].get("URI") for grant in grants}.isdisjoint(
        {ALL_USERS, AUTHENTICATED_USERS}
    )

    download = verified_client(officer).get(f"/cases/{case.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert _body(download) == PDF
    assert download["Cache-Control"] == "private, no-store"
    refused = verified_client(other_market_officer).get(
        f"/cases/{case.pk}/attachments/{attachment.pk}/"
    )
    assert refused.status_code == 404


def test_a_second_file_never_overwrites_the_first(
    verified_client: Callable[[User], Client], officer: User, case: Case, bucket: str, s3: Any
) -> None:
    client = verified_client(officer)
    _upload(client, case)
    _upload(client, case, name="第二份.pdf", content=PDF + b"%second\n")

    names = sorted(CaseAttachment.objects.values_list("file", flat=True))
    assert len(set(names)) == 2
    assert sorted(_keys(s3, bucket)) == names


def test_an_upload_the_bucket_refuses_leaves_no_row_and_says_so_in_chinese(
    verified_client: Callable[[User], Client],
    officer: User,
    case: Case,
    settings: Settings,
    endpoint: str,
) -> None:
    _use_bucket(settings, endpoint, f"no-such-bucket-{uuid.uuid4().hex[:8]}")

    response = _upload(verified_client(officer), case)

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert not CaseAttachment.objects.exists()
    assert not AuditEvent.objects.filter(action="case.attachment_added").exists()
    [message] = _messages(response)
    assert NAME in message  # what the user chose, named so they can choose it again
    assert "文件存储暂时无法访问" in message


def test_an_upload_while_the_endpoint_is_down_leaves_no_row(
    verified_client: Callable[[User], Client], officer: User, case: Case, settings: Settings
) -> None:
    _use_bucket(settings, _closed_port_url(), "lgsc-files")

    response = _upload(verified_client(officer), case)

    assert response.status_code == 302
    assert not CaseAttachment.objects.exists()
    [message] = _messages(response)
    assert "文件存储暂时无法访问" in message


def test_a_download_while_the_endpoint_is_down_is_a_503(
    verified_client: Callable[[User], Client],
    officer: User,
    case: Case,
    bucket: str,
    settings: Settings,
) -> None:
    _upload(verified_client(officer), case)
    attachment = CaseAttachment.objects.get(case=case)
    _use_bucket(settings, _closed_port_url(), bucket)

    response = verified_client(officer).get(f"/cases/{case.pk}/attachments/{attachment.pk}/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"  # config/unavailable.py, as for any part down
    assert "文件暂时无法获取" in response.content.decode()


def test_an_online_hand_in_while_the_endpoint_is_down_records_nothing_and_says_so(
    officer: User, nanning_market: Market, settings: Settings
) -> None:
    """The applicant's page (portal/online): the notice's items stay outstanding, no row, and
    a message in Chinese asks for the files again (not the bare 503 page)."""
    client, posting = posting_submitted_online(nanning_market)
    notice_item = posting_returned(officer, posting)
    _use_bucket(settings, _closed_port_url(), "lgsc-files")

    response = client.post(
        f"/portal/online/cases/{posting.case_id}/",
        {"action": "hand_in", f"item_{notice_item.pk}": SimpleUploadedFile(NAME, PDF)},
    )

    assert response.status_code == 302
    case = Case.objects.get(pk=posting.case_id)
    assert case.state == State.AWAITING_MATERIALS
    assert not CaseAttachment.objects.exists()
    notice_item.refresh_from_db()
    assert notice_item.received_at is None
    assert "文件存储暂时无法访问" in _messages(response)[-1]  # after the posting's own


# --- The hourly sweep -------------------------------------------------------------------------


def test_the_sweep_removes_an_old_object_without_a_row_and_keeps_the_rest(
    verified_client: Callable[[User], Client],
    officer: User,
    case: Case,
    bucket: str,
    s3: Any,
) -> None:
    _upload(verified_client(officer), case)
    attachment = CaseAttachment.objects.get(case=case)
    orphan = f"cases/{case.pk}/{uuid.uuid4().hex}"
    s3.put_object(Bucket=bucket, Key=orphan, Body=b"left by a killed worker")

    assert attachment_orphans_remove() == []  # younger than the grace: may be mid-upload
    removed = attachment_orphans_remove(now=timezone.now() + timedelta(days=2))

    assert removed == [orphan]
    assert _keys(s3, bucket) == [attachment.file.name]
    attachment.refresh_from_db()
    assert attachment.file_missing_since is None


def test_the_sweep_works_under_a_prefix_and_touches_nothing_outside_it(
    verified_client: Callable[[User], Client],
    officer: User,
    case: Case,
    bucket: str,
    s3: Any,
    settings: Settings,
    endpoint: str,
) -> None:
    """LGSC_S3_PREFIX: the bucket shared with other things, ours under ``lgsc/``."""
    _use_bucket(settings, endpoint, bucket, prefix="lgsc")
    _upload(verified_client(officer), case)
    attachment = CaseAttachment.objects.get(case=case)
    orphan = f"cases/{case.pk}/{uuid.uuid4().hex}"
    s3.put_object(Bucket=bucket, Key=f"lgsc/{orphan}", Body=b"left by a killed worker")
    outside = f"cases/{case.pk}/{uuid.uuid4().hex}"
    s3.put_object(Bucket=bucket, Key=outside, Body=b"another application's")

    removed = attachment_orphans_remove(now=timezone.now() + timedelta(days=2))

    assert removed == [orphan]
    assert sorted(_keys(s3, bucket)) == sorted([f"lgsc/{attachment.file.name}", outside])
    attachment.refresh_from_db()
    assert attachment.file_missing_since is None


def test_the_sweep_flags_a_row_whose_object_is_gone_once_and_keeps_it(
    verified_client: Callable[[User], Client],
    officer: User,
    case: Case,
    bucket: str,
    s3: Any,
) -> None:
    client = verified_client(officer)
    _upload(client, case)
    attachment = CaseAttachment.objects.get(case=case)
    s3.delete_object(Bucket=bucket, Key=attachment.file.name)
    later = timezone.now() + timedelta(days=2)

    attachment_orphans_remove(now=later)
    attachment_orphans_remove(now=later + timedelta(hours=1))

    attachment.refresh_from_db()
    assert attachment.file_missing_since == later
    [event] = AuditEvent.objects.filter(action="case.attachment_file_missing")
    assert event.actor is None
    assert event.new_values["attachment_id"] == attachment.pk
    assert event.new_values["sha256"] == attachment.sha256
    assert attachment.history.first().history_change_reason == "file missing from the store"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "文件已从存储中丢失" in page
    assert client.get(f"/cases/{case.pk}/attachments/{attachment.pk}/").status_code == 404

    # Restored from a backup: the flag goes.
    s3.put_object(Bucket=bucket, Key=attachment.file.name, Body=PDF)
    attachment_orphans_remove(now=later + timedelta(hours=2))
    attachment.refresh_from_db()
    assert attachment.file_missing_since is None


def test_the_sweep_changes_nothing_while_the_endpoint_is_down(
    verified_client: Callable[[User], Client],
    officer: User,
    case: Case,
    bucket: str,
    settings: Settings,
) -> None:
    _upload(verified_client(officer), case)
    _use_bucket(settings, _closed_port_url(), bucket)

    from cases.storage import StorageUnavailable

    with pytest.raises(StorageUnavailable):
        attachment_orphans_remove(now=timezone.now() + timedelta(days=2))
    assert CaseAttachment.objects.get(case=case).file_missing_since is None


# --- Export files -----------------------------------------------------------------------------


def test_an_export_file_goes_to_the_bucket_downloads_and_expires(
    verified_client: Callable[[User], Client],
    officer: User,
    team_lead: User,
    nanning_market: Market,
    case: Case,
    bucket: str,
    s3: Any,
) -> None:
    lead = verified_client(team_lead)
    lead.post("/exports/new/", {"list": "cases", "format": "csv", "market": nanning_market.pk})
    job = ExportJob.objects.get()

    assert job.state == ExportState.DONE
    assert _keys(s3, bucket, "exports/") == [job.file.name]
    head = s3.head_object(Bucket=bucket, Key=job.file.name)
    assert head["ServerSideEncryption"] == "AES256"
    download = lead.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200
    assert _body(download).decode("utf-8-sig").count("\r\n") == 2
    assert verified_client(officer).get(f"/exports/{job.pk}/download/").status_code == 404

    assert export_files_purge(now=timezone.now() + timedelta(days=30)) == 1
    assert _keys(s3, bucket, "exports/") == []
    job.refresh_from_db()
    assert job.state == ExportState.EXPIRED


def test_an_export_whose_object_is_gone_is_a_404_not_an_error(
    team_lead: User, verified_client: Callable[[User], Client], bucket: str, s3: Any
) -> None:
    job = ExportJob.objects.create(
        requester=team_lead,
        list_name="cases",
        format="csv",
        language="zh-hans",
        state=ExportState.DONE,
        finished_at=timezone.now(),
    )
    job.file.save(f"job-{job.pk}.csv", ContentFile(b"x"), save=True)
    s3.delete_object(Bucket=bucket, Key=job.file.name)

    assert verified_client(team_lead).get(f"/exports/{job.pk}/download/").status_code == 404


# --- Inspection photos --------------------------------------------------------------------------


def test_an_inspection_whose_photos_the_store_cannot_take_is_refused_with_a_message(
    inspector: User, nanning_market: Market, settings: Settings
) -> None:
    """The photo field carries the message, so the form comes back with what was entered."""
    _use_bucket(settings, _closed_port_url(), "lgsc-files")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    items = {code: ItemGiven(result=Result.PASS) for code in FACILITY_CODES}
    code = FACILITY_CODES[0]
    items[code] = ItemGiven(result=Result.PASS, photos=[SimpleUploadedFile("a.png", png)])

    with pytest.raises(ValidationError) as refused:
        inspection_record(
            actor=inspector, market=nanning_market, visited_on=timezone.localdate(), items=items
        )

    assert "文件存储暂时无法访问" in refused.value.message_dict[f"{code}-photos"][0]
    assert not Inspection.objects.exists()
    assert not InspectionPhoto.objects.exists()


def test_the_sweep_removes_an_old_photo_without_a_row_and_keeps_the_inspections_own(
    inspector: User, nanning_market: Market, bucket: str, s3: Any
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    items = {code: ItemGiven(result=Result.PASS) for code in FACILITY_CODES}
    code = FACILITY_CODES[0]
    items[code] = ItemGiven(result=Result.PASS, photos=[SimpleUploadedFile("a.png", png)])
    inspection = inspection_record(
        actor=inspector, market=nanning_market, visited_on=timezone.localdate(), items=items
    )
    kept = InspectionPhoto.objects.get().file.name
    orphan = f"inspections/{inspection.pk}/left-by-a-killed-worker"
    s3.put_object(Bucket=bucket, Key=orphan, Body=png)

    assert inspection_photo_orphans_remove() == []  # younger than the grace: may be mid-upload
    removed = inspection_photo_orphans_remove(now=timezone.now() + timedelta(days=2))

    assert removed == [orphan]
    assert _keys(s3, bucket, "inspections/") == [kept]
    assert inspection_photo_orphans_remove_task() == 0  # run again: nothing more to do


# --- Moving a host's files into the bucket (manage.py media_to_bucket) ------------------------


def _move(**options: Any) -> str:
    out = StringIO()
    call_command("media_to_bucket", stdout=out, **options)
    return out.getvalue()


def test_a_hosts_files_move_into_the_bucket_encrypted_under_their_names_once(
    verified_client: Callable[[User], Client],
    officer: User,
    case: Case,
    settings: Settings,
    endpoint: str,
    s3: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # the single host, before the bucket
    client = verified_client(officer)
    _upload(client, case)
    attachment = CaseAttachment.objects.get(case=case)
    bucket = f"lgsc-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    _use_bucket(settings, endpoint, bucket)

    first = _move()
    again = _move()

    assert "1 files copied, 0 already in the bucket" in first
    assert "Every file the rows refer to is in the bucket." in first
    assert _keys(s3, bucket) == [attachment.file.name]
    head = s3.head_object(Bucket=bucket, Key=attachment.file.name)
    assert head["ServerSideEncryption"] == "AES256"
    download = client.get(f"/cases/{case.pk}/attachments/{attachment.pk}/")
    assert _body(download) == PDF  # now from the bucket, through the same view
    assert "0 files copied, 1 already in the bucket" in again


def test_a_name_the_bucket_holds_with_other_content_is_left_alone_and_reported(
    bucket: str, s3: Any, tmp_path: Path
) -> None:
    (tmp_path / "cases" / "7").mkdir(parents=True)
    (tmp_path / "cases" / "7" / "申请表.pdf").write_bytes(PDF)
    (tmp_path / "cases" / "7" / "身份证.pdf").write_bytes(PDF)
    s3.put_object(Bucket=bucket, Key="cases/7/申请表.pdf", Body=b"another file")

    with pytest.raises(CommandError, match="1 names are in the bucket with other content"):
        _move(source=tmp_path)

    kept = s3.get_object(Bucket=bucket, Key="cases/7/申请表.pdf")["Body"].read()
    assert kept == b"another file"
    assert sorted(_keys(s3, bucket)) == ["cases/7/申请表.pdf", "cases/7/身份证.pdf"]


def test_a_row_whose_file_is_in_neither_place_is_named(
    officer: User, case: Case, bucket: str, tmp_path: Path
) -> None:
    CaseAttachment.objects.create(
        case=case,
        file="cases/1/lost.pdf",
        original_name="lost.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=officer,
    )

    with pytest.raises(CommandError, match=r"1 files the rows .* cases.CaseAttachment cases/1/"):
        _move(source=tmp_path)


def test_moving_files_needs_a_bucket(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="local folder, not a bucket"):
        _move(source=tmp_path)
