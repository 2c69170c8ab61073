"""Attachments whose name or insides lie (issue 13, item 14): the stored name carries the
extension of the type found in the content; office files that carry programs, macros or
packaged files are refused; a long name is shortened, and the upload page says so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import case_make
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings
from test_attachments import (
    CONTENT_TYPES,
    DOCX,
    EXE,
    HTML,
    JPEG,
    PDF,
    PNG,
    XLSX,
    _zip,
    assert_nothing_stored,
    attachment_events,
    refusal,
    upload,
)

from accounts.models import User
from cases.attachments import NAME_MAX, case_attachment_add
from cases.models import CaseAttachment

pytestmark = pytest.mark.django_db

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The directory entry of an OLE "Package" object: the stream that carries the packaged file.
OLE_PACKAGE = OLE_MAGIC + b"\x00" * 504 + "Ole10Native".encode("utf-16-le") + b"\x00" * 64


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def case(officer: User) -> Any:
    return case_make(officer)


def word(**extra: bytes) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document><w:body><w:p/></w:body></w:document>",
            **extra,
        }
    )


# --- The stored extension is the content's -----------------------------------------------------


@pytest.mark.parametrize(
    ("given", "content", "stored"),
    [
        ("x.html", PNG + HTML, "x.png"),
        ("申请表.htm", PDF, "申请表.pdf"),
        ("scan.pdf", PNG, "scan.png"),
        ("身份证", JPEG, "身份证.jpg"),
        ("photo.JPEG", JPEG, "photo.JPEG"),
        ("照片.jpeg", JPEG, "照片.jpeg"),
        ("合同.xlsx", DOCX, "合同.docx"),
        ("工资 2026.03", XLSX, "工资 2026.03.xlsx"),
        ("x.svg", PNG, "x.png"),
    ],
)
def test_the_stored_name_ends_with_the_extension_of_the_type_found_in_the_content(
    officer: User, case: Any, media: Path, given: str, content: bytes, stored: str
) -> None:
    attachment = case_attachment_add(actor=officer, case=case, upload=upload(given, content))

    attachment.refresh_from_db()
    assert attachment.original_name == stored
    [event] = attachment_events()
    assert event.new_values["name"] == stored


# --- Office files that carry something that runs ------------------------------------------------


@pytest.mark.parametrize(
    "member",
    [
        "word/embeddings/setup.exe",
        "word/media/run.bat",
        "customXml/helper.DLL",
        "word/x.js",
        "docProps/a.vbs",
        "word/embeddings/screen.scr",
        "word/embeddings/install.msi",
    ],
)
def test_a_docx_storing_a_program_is_refused_and_nothing_is_stored(
    officer: User, case: Any, media: Path, member: str
) -> None:
    message = refusal(officer, case, upload("劳动合同.docx", word(**{member: EXE})))

    assert "embedded program" in message
    assert member.rsplit("/", 1)[-1] in message
    assert_nothing_stored(media)


def test_a_docx_with_a_macro_project_is_refused_as_not_a_docx(
    officer: User, case: Any, media: Path
) -> None:
    content = word(**{"word/vbaProject.bin": OLE_MAGIC + b"\x00" * 100})

    assert "This kind of file cannot be attached" in refusal(
        officer, case, upload("合同.docx", content)
    )
    assert_nothing_stored(media)


@pytest.mark.parametrize(
    "embedded",
    [
        OLE_PACKAGE,  # an OLE "Package" object, which carries any file
        OLE_MAGIC + b"\x00" * 200 + EXE + b"This program cannot be run in DOS mode",
        EXE,
        _zip({"[Content_Types].xml": CONTENT_TYPES, "word/embeddings/a.exe": EXE}),
    ],
)
def test_a_docx_with_an_embedded_object_holding_a_program_is_refused(
    officer: User, case: Any, media: Path, embedded: bytes
) -> None:
    content = word(**{"word/embeddings/oleObject1.bin": embedded})

    assert "embedded program" in refusal(officer, case, upload("合同.docx", content))
    assert_nothing_stored(media)


def test_an_activex_control_is_refused(officer: User, case: Any, media: Path) -> None:
    content = word(**{"word/activeX/activeX1.bin": OLE_MAGIC + b"\x00" * 64})

    assert "embedded program" in refusal(officer, case, upload("合同.docx", content))


def test_a_docx_with_an_embedded_picture_or_workbook_is_accepted(
    officer: User, case: Any, media: Path
) -> None:
    content = word(
        **{"word/media/image1.png": PNG, "word/embeddings/Microsoft_Excel_Worksheet.xlsx": XLSX}
    )

    attachment = case_attachment_add(actor=officer, case=case, upload=upload("合同.docx", content))

    assert attachment.original_name == "合同.docx"


# --- Long names, over HTTP ---------------------------------------------------------------------


def test_a_5000_character_name_is_shortened_and_the_page_says_so(
    verified_client: Callable[[User], Client], officer: User, case: Any, media: Path
) -> None:
    client = verified_client(officer)
    client.cookies.load({"django_language": "en"})

    response = client.post(
        f"/cases/{case.pk}/attachments/",
        {"file": SimpleUploadedFile("申" * 5000 + ".pdf", PDF)},
    )

    assert response.status_code == 302
    attachment = CaseAttachment.objects.get(case=case)
    assert len(attachment.original_name) <= NAME_MAX
    assert attachment.original_name.endswith("申.pdf")
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("has been shortened" in text for text in texts)


def test_a_renamed_file_is_stored_under_its_real_type_and_the_page_says_so(
    verified_client: Callable[[User], Client], officer: User, case: Any, media: Path
) -> None:
    client = verified_client(officer)
    client.cookies.load({"django_language": "en"})

    response = client.post(
        f"/cases/{case.pk}/attachments/", {"file": SimpleUploadedFile("x.html", PNG + HTML)}
    )

    assert CaseAttachment.objects.get(case=case).original_name == "x.png"
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "The file is a PNG image, whatever its name said: it is kept as “x.png”." in texts
    download = client.get(f"/cases/{case.pk}/attachments/{CaseAttachment.objects.get().pk}/")
    assert 'filename="x.png"' in download["Content-Disposition"]


def test_a_5000_character_name_sent_by_a_browser_reaches_the_service_and_is_shortened(
    verified_client: Callable[[User], Client], officer: User, case: Any, media: Path
) -> None:
    """As a browser sends it: the whole name in the part's headers (15 000 bytes in UTF-8),
    which Django's parser refused with a bare 400 before any view ran."""
    client = verified_client(officer)
    client.cookies.load({"django_language": "en"})
    name = "申" * 5000 + ".pdf"
    body = (
        b"--BOUNDARY\r\n"
        + f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'.encode()
        + b"Content-Type: application/pdf\r\n\r\n"
        + PDF
        + b"\r\n--BOUNDARY--\r\n"
    )

    response = client.generic(
        "POST",
        f"/cases/{case.pk}/attachments/",
        body,
        content_type="multipart/form-data; boundary=BOUNDARY",
    )

    assert response.status_code == 302
    attachment = CaseAttachment.objects.get(case=case)
    assert len(attachment.original_name) <= NAME_MAX
    assert attachment.original_name.endswith("申.pdf")
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("has been shortened" in text for text in texts)
