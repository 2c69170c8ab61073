"""Attachments over HTTP, as each kind of user: who may upload, who may download, and what a
download looks like (a file to save, never a page to render, never cached)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from conftest import MembershipFactory, UserFactory, add_totp_device, case_make
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings

from accounts.models import User
from audit.models import AuditEvent
from backoffice.common.attachments import attachment_section
from cases.attachments import case_attachment_add
from cases.models import CaseAttachment
from markets.models import Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00PE\x00\x00"
CHINESE_NAME = "灵活就业人员社保补贴申请表.pdf"


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def case(officer: User) -> Any:
    return case_make(officer)


@pytest.fixture
def attachment(officer: User, case: Any, media: Path) -> CaseAttachment:
    return case_attachment_add(
        actor=officer, case=case, upload=SimpleUploadedFile(CHINESE_NAME, PDF)
    )


@pytest.fixture
def other_market_officer(liuzhou: Any) -> User:
    user = UserFactory.create(username="liuzhou-officer")
    MembershipFactory.create(user=user, role=Role.OFFICER, market__region=liuzhou)
    add_totp_device(user, "00112233445566778899aabbccddeeff00112233")
    return user


def upload_url(case: Any) -> str:
    return f"/cases/{case.pk}/attachments/"


def download_url(case: Any, attachment: CaseAttachment) -> str:
    return f"/cases/{case.pk}/attachments/{attachment.pk}/"


def post_file(client: Client, case: Any, name: str, content: bytes) -> Any:
    return client.post(upload_url(case), {"file": SimpleUploadedFile(name, content)})


def message_texts(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Upload -----------------------------------------------------------------------------------


def test_the_owner_uploads_a_file_and_returns_to_the_case_page(
    verified_client: Callable[[User], Client], officer: User, case: Any, media: Path
) -> None:
    response = post_file(verified_client(officer), case, CHINESE_NAME, PDF)

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    attachment = CaseAttachment.objects.get(case=case)
    assert attachment.original_name == CHINESE_NAME
    assert attachment.uploaded_by == officer
    assert message_texts(response) == [f"已上传附件“{CHINESE_NAME}”。"]
    assert AuditEvent.objects.filter(action="case.attachment_added").count() == 1


def test_a_refused_file_becomes_a_message_in_chinese_and_nothing_is_stored(
    verified_client: Callable[[User], Client], officer: User, case: Any, media: Path
) -> None:
    response = post_file(verified_client(officer), case, "x.pdf", EXE)

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    [message] = message_texts(response)
    assert "不能上传此类文件" in message
    assert not CaseAttachment.objects.exists()
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))
    assert not AuditEvent.objects.filter(action="case.attachment_added").exists()


def test_a_post_without_a_file_asks_for_one(
    verified_client: Callable[[User], Client], officer: User, case: Any, media: Path
) -> None:
    response = verified_client(officer).post(upload_url(case), {})

    assert response.status_code == 302
    assert message_texts(response) == ["请选择要上传的附件。"]
    assert not CaseAttachment.objects.exists()


def test_the_upload_address_takes_only_post(
    verified_client: Callable[[User], Client], officer: User, case: Any
) -> None:
    assert verified_client(officer).get(upload_url(case)).status_code == 405


def test_an_inspector_may_not_upload(
    verified_client: Callable[[User], Client], inspector: User, case: Any, media: Path
) -> None:
    response = post_file(verified_client(inspector), case, "a.pdf", PDF)

    assert response.status_code == 403
    assert not CaseAttachment.objects.exists()


def test_an_officer_of_another_market_cannot_even_find_the_case_to_upload_to(
    verified_client: Callable[[User], Client],
    other_market_officer: User,
    case: Any,
    media: Path,
) -> None:
    response = post_file(verified_client(other_market_officer), case, "a.pdf", PDF)

    assert response.status_code == 404
    assert not CaseAttachment.objects.exists()


def test_an_anonymous_upload_is_sent_to_sign_in(case: Any, media: Path) -> None:
    response = post_file(Client(), case, "a.pdf", PDF)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(upload_url(case))}"
    assert not CaseAttachment.objects.exists()


# --- Download ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "team_lead", "inspector"])
def test_staff_who_may_see_the_case_download_the_file_as_it_was_uploaded(
    request: pytest.FixtureRequest,
    verified_client: Callable[[User], Client],
    case: Any,
    attachment: CaseAttachment,
    who: str,
) -> None:
    response = verified_client(request.getfixturevalue(who)).get(download_url(case, attachment))

    assert response.status_code == 200
    assert response.getvalue() == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''{quote(CHINESE_NAME)}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(len(PDF))
    response.close()


def test_the_download_type_is_the_detected_one_not_the_name(
    verified_client: Callable[[User], Client], officer: User, case: Any, media: Path
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    attachment = case_attachment_add(
        actor=officer,
        case=case,
        upload=SimpleUploadedFile("scan.pdf", png, content_type="application/pdf"),
    )

    response = verified_client(officer).get(download_url(case, attachment))

    assert response["Content-Type"] == "image/png"
    # Named after the detected type too (issue 13, item 14): a PNG image is never "scan.pdf".
    assert response["Content-Disposition"] == 'attachment; filename="scan.png"'
    response.close()


def test_an_officer_of_another_market_gets_404(
    verified_client: Callable[[User], Client],
    other_market_officer: User,
    case: Any,
    attachment: CaseAttachment,
) -> None:
    response = verified_client(other_market_officer).get(download_url(case, attachment))

    assert response.status_code == 404


def test_an_attachment_of_another_case_under_this_case_address_is_404(
    verified_client: Callable[[User], Client],
    officer: User,
    case: Any,
    attachment: CaseAttachment,
) -> None:
    other_case = case_make(officer, subject="另一件咨询")

    response = verified_client(officer).get(download_url(other_case, attachment))

    assert response.status_code == 404


def test_an_unknown_attachment_is_404(
    verified_client: Callable[[User], Client], officer: User, case: Any, media: Path
) -> None:
    response = verified_client(officer).get(f"/cases/{case.pk}/attachments/999999/")

    assert response.status_code == 404


def test_an_anonymous_download_is_sent_to_sign_in(case: Any, attachment: CaseAttachment) -> None:
    url = download_url(case, attachment)

    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(url)}"


# --- The case page's section ------------------------------------------------------------------


def _section_html(user: User, case: Any) -> str:
    request = RequestFactory().get(f"/cases/{case.pk}/")
    request.user = user
    context = {"case": case, **attachment_section(user=user, case=case)}
    return render_to_string("backoffice/case/_attachments.html", context, request=request)


def test_the_section_lists_the_files_and_offers_the_form_to_the_owner(
    officer: User, case: Any, attachment: CaseAttachment
) -> None:
    html = _section_html(officer, case)

    assert CHINESE_NAME in html
    assert download_url(case, attachment) in html
    assert "PDF 文档" in html
    assert str(officer) in html
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="attachment-file">' in html
    assert 'id="attachment-file" name="file"' in html
    assert "10.0" in html  # the size limit, 10.0 MB


def test_the_section_offers_no_form_to_an_inspector(
    inspector: User, case: Any, attachment: CaseAttachment
) -> None:
    html = _section_html(inspector, case)

    assert CHINESE_NAME in html
    assert "multipart/form-data" not in html


def test_the_section_offers_no_form_once_the_case_is_full(
    officer: User, case: Any, attachment: CaseAttachment, settings: Settings
) -> None:
    settings.CASE_ATTACHMENT_MAX_COUNT = 1

    html = _section_html(officer, case)

    assert "multipart/form-data" not in html
    assert "已达上限" in html


def test_an_administrator_does_no_case_work_and_gets_403(
    verified_client: Callable[[User], Client],
    system_admin: User,
    case: Any,
    attachment: CaseAttachment,
) -> None:
    client = verified_client(system_admin)

    assert client.get(download_url(case, attachment)).status_code == 403
    assert post_file(client, case, "a.pdf", PDF).status_code == 403
    assert CaseAttachment.objects.count() == 1
