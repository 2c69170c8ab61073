"""Case attachments (附件): what is accepted is decided by the content, never by the name or the
browser; a refused file leaves nothing behind; an accepted one is stored under a random name
and leaves its audit event."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from conftest import MembershipFactory, UserFactory, case_make
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pytest_django.fixtures import Settings

from accounts.models import User
from audit.models import AuditEvent
from cases import attachments
from cases.attachments import case_attachment_add, original_name_clean
from cases.models import CaseAttachment
from cases.services import case_reassign
from markets.models import Market, Role

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --- Minimal real files -----------------------------------------------------------------------

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    + _png_chunk(b"IEND", b"")
)
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    b"\xff\xdb\x00\x43\x00" + bytes(range(1, 65)) + b"\xff\xd9"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def _zip(members: dict[str, bytes]) -> bytes:
    """An archive of ``members``, the same bytes in every process: the files' time is fixed
    (not the clock's), since the bytes are in the test ids every xdist process must agree on."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            member = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(member, data)
    return buffer.getvalue()


DOCX = _zip(
    {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"<w:document><w:body><w:p/></w:body></w:document>",
    }
)
XLSX = _zip(
    {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": b"<Relationships/>",
        "xl/workbook.xml": b"<workbook/>",
    }
)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def case(officer: User) -> Any:
    return case_make(officer)


@pytest.fixture
def other_market_officer(liuzhou: Any) -> User:
    membership = MembershipFactory.create(
        user=UserFactory.create(username="liuzhou-officer"),
        role=Role.OFFICER,
        market__region=liuzhou,
    )
    return membership.user


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def attachment_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="case.attachment_added"))


def refusal(actor: User, case: Any, file: Any) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        case_attachment_add(actor=actor, case=case, upload=file)
    return " ".join(caught.value.messages)


def assert_nothing_stored(media: Path) -> None:
    assert stored_files(media) == []
    assert CaseAttachment.objects.count() == 0
    assert attachment_events() == []


# --- Accepted ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected_type"),
    [
        ("申请表.pdf", PDF, "application/pdf"),
        ("身份证正面.png", PNG, "image/png"),
        ("身份证反面.jpg", JPEG, "image/jpeg"),
        ("劳动合同.docx", DOCX, DOCX_TYPE),
        ("工资流水.xlsx", XLSX, XLSX_TYPE),
    ],
)
def test_a_real_file_of_each_accepted_type_is_stored_with_its_detected_type(
    officer: User, case: Any, media: Path, name: str, content: bytes, expected_type: str
) -> None:
    attachment = case_attachment_add(actor=officer, case=case, upload=upload(name, content))

    attachment.refresh_from_db()
    assert attachment.case == case
    assert attachment.uploaded_by == officer
    assert attachment.original_name == name
    assert attachment.content_type == expected_type
    assert attachment.size == len(content)
    assert (media / attachment.file.name).read_bytes() == content
    assert stored_files(media) == [media / attachment.file.name]


def test_the_type_comes_from_the_content_not_from_the_browser_or_the_name(
    officer: User, case: Any, media: Path
) -> None:
    attachment = case_attachment_add(
        actor=officer, case=case, upload=upload("scan.pdf", PNG, "application/pdf")
    )

    assert attachment.content_type == "image/png"


def test_an_accepted_file_leaves_its_sha256_its_history_and_an_audit_event(
    officer: User, case: Any, media: Path
) -> None:
    import hashlib

    attachment = case_attachment_add(actor=officer, case=case, upload=upload("申请表.pdf", PDF))

    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.history.get().history_user == officer
    [event] = attachment_events()
    assert event.actor == officer
    assert event.market == case.market
    assert event.target_id == str(case.pk)
    assert event.new_values == {
        "reference": case.reference,
        "state": case.state,
        "attachment_id": attachment.pk,
        "name": "申请表.pdf",
        "size": len(PDF),
        "content_type": "application/pdf",
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }


def test_the_stored_path_holds_no_part_of_the_original_name(
    officer: User, case: Any, media: Path
) -> None:
    attachment = case_attachment_add(
        actor=officer, case=case, upload=upload("secretname-身份证.pdf", PDF)
    )

    assert re.fullmatch(rf"cases/{case.pk}/[0-9a-f]{{32}}", attachment.file.name)
    for part in ("secretname", "身份证", ".pdf"):
        assert part not in attachment.file.name
    assert attachment.original_name == "secretname-身份证.pdf"


def test_a_team_lead_of_the_market_may_attach(team_lead: User, case: Any, media: Path) -> None:
    attachment = case_attachment_add(actor=team_lead, case=case, upload=upload("a.pdf", PDF))

    assert attachment.uploaded_by == team_lead


def test_the_first_contact_officer_may_attach_after_the_case_was_reassigned(
    officer: User, team_lead: User, nanning_market: Market, media: Path
) -> None:
    case = case_make(officer)
    colleague = MembershipFactory.create(
        user=UserFactory.create(username="colleague"), market=nanning_market
    ).user
    case = case_reassign(actor=team_lead, case=case, to_user=colleague)

    attachment = case_attachment_add(actor=officer, case=case, upload=upload("a.pdf", PDF))

    assert attachment.uploaded_by == officer


# --- Refused ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "browser_type"),
    [
        ("x.pdf", EXE, "application/pdf"),
        ("x.png", HTML, "image/png"),
        ("logo.svg", SVG, "image/svg+xml"),
        ("x.pdf", b"#!/bin/sh\nrm -rf /\n", "application/pdf"),
        ("notes.txt", "纯文本".encode(), "text/plain"),
        ("archive.docx", _zip({"readme.txt": b"hello"}), DOCX_TYPE),
        ("types-only.docx", _zip({"[Content_Types].xml": CONTENT_TYPES}), DOCX_TYPE),
        (
            "macro.docx",
            _zip(
                {
                    "[Content_Types].xml": CONTENT_TYPES,
                    "word/document.xml": b"<w:document/>",
                    "word/vbaProject.bin": b"\x00" * 16,
                }
            ),
            DOCX_TYPE,
        ),
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 40, DOCX_TYPE),
    ],
)
def test_a_file_whose_content_is_not_an_accepted_type_is_refused_and_nothing_is_stored(
    officer: User, case: Any, media: Path, name: str, content: bytes, browser_type: str
) -> None:
    message = refusal(officer, case, upload(name, content, browser_type))

    assert "This kind of file cannot be attached" in message
    assert_nothing_stored(media)


def test_the_refusal_is_in_chinese_for_a_chinese_user(
    officer: User, case: Any, media: Path
) -> None:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        case_attachment_add(actor=officer, case=case, upload=upload("x.pdf", EXE))

    assert "不能上传此类文件" in caught.value.messages[0]


def test_an_office_file_that_would_unpack_too_large_is_refused(
    officer: User, case: Any, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attachments, "OOXML_UNPACKED_MAX_BYTES", 1000)
    bomb = _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "word/document.xml": b"<w:document/>" + b" " * 2000,
        }
    )

    message = refusal(officer, case, upload("bomb.docx", bomb, DOCX_TYPE))

    assert "This kind of file cannot be attached" in message
    assert_nothing_stored(media)


def test_an_empty_file_is_refused(officer: User, case: Any, media: Path) -> None:
    assert refusal(officer, case, upload("empty.pdf", b"")) == "The file is empty."
    assert_nothing_stored(media)


def test_a_file_over_the_size_limit_is_refused(
    officer: User, case: Any, media: Path, settings: Settings
) -> None:
    settings.CASE_ATTACHMENT_MAX_BYTES = len(PDF) - 1

    message = refusal(officer, case, upload("big.pdf", PDF))

    assert message.startswith("The file is larger than")
    assert_nothing_stored(media)


def test_a_file_exactly_at_the_size_limit_is_accepted(
    officer: User, case: Any, media: Path, settings: Settings
) -> None:
    settings.CASE_ATTACHMENT_MAX_BYTES = len(PDF)

    attachment = case_attachment_add(actor=officer, case=case, upload=upload("a.pdf", PDF))

    assert attachment.size == len(PDF)


def test_the_twenty_first_file_of_a_case_is_refused(officer: User, case: Any, media: Path) -> None:
    for n in range(20):
        case_attachment_add(actor=officer, case=case, upload=upload(f"{n}.pdf", PDF))
    files_before = stored_files(media)

    message = refusal(officer, case, upload("21.pdf", PDF))

    assert message == "This case has 20 attachments already, the most it may have."
    assert CaseAttachment.objects.filter(case=case).count() == 20
    assert len(attachment_events()) == 20
    assert stored_files(media) == files_before


def test_the_limit_counts_per_case(officer: User, media: Path, settings: Settings) -> None:
    settings.CASE_ATTACHMENT_MAX_COUNT = 1
    first, second = case_make(officer), case_make(officer, subject="另一件咨询")
    case_attachment_add(actor=officer, case=first, upload=upload("a.pdf", PDF))

    case_attachment_add(actor=officer, case=second, upload=upload("a.pdf", PDF))

    assert CaseAttachment.objects.count() == 2


@pytest.mark.parametrize("who", ["inspector", "other_market_officer"])
def test_someone_who_may_not_work_on_the_case_may_not_attach(
    request: pytest.FixtureRequest, case: Any, media: Path, who: str
) -> None:
    actor = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        case_attachment_add(actor=actor, case=case, upload=upload("a.pdf", PDF))

    assert_nothing_stored(media)


def test_a_failure_after_the_file_was_written_removes_the_file(
    officer: User, case: Any, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(attachments.events, "case_attachment_added_event", broken)

    with pytest.raises(RuntimeError):
        case_attachment_add(actor=officer, case=case, upload=upload("a.pdf", PDF))

    assert_nothing_stored(media)


# --- Names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("申请表.pdf", "申请表.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\韦小宝\\Desktop\\身份证.jpg", "身份证.jpg"),
        ("bad\x00name\r\n.pdf", "badname.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("劳动\u3000合同 .docx", "劳动 合同 .docx"),
        ("..", "attachment.pdf"),
        ("", "attachment.pdf"),
    ],
)
def test_the_original_name_loses_folders_and_control_characters(given: str, kept: str) -> None:
    with translation.override("en"):
        assert original_name_clean(given, fallback_extension=".pdf") == kept


def test_a_long_name_is_cut_to_200_characters_keeping_the_extension() -> None:
    cleaned = original_name_clean("材" * 300 + ".docx")

    assert len(cleaned) == 200
    assert cleaned.endswith("材.docx")


def test_the_stored_name_is_the_cleaned_one(officer: User, case: Any, media: Path) -> None:
    attachment = case_attachment_add(
        actor=officer, case=case, upload=upload("folder/sub\x07/申请表.pdf", PDF)
    )

    assert attachment.original_name == "申请表.pdf"
