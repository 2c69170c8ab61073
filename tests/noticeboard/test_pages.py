"""The notice board's pages per role, and the public board without sign-in."""

from __future__ import annotations

from datetime import date

import pytest
from noticeboard_support import article_make, liuzhou_market, staff_make

from cases.models import Applicant
from markets.models import Role
from noticeboard.models import NoticeBlock, PolicyArticle
from noticeboard.services import notice_block_set, policy_article_archive
from workflows.postings.models import Posting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


@pytest.fixture
def stranger():
    """An officer of another market."""
    return staff_make("liuzhou_officer", Role.OFFICER, liuzhou_market())


def test_read_pages_per_role(
    officer,
    team_lead,
    inspector,
    stranger,
    system_admin,
    audit_admin,
    nanning_market,
    verified_client,
) -> None:
    article = article_make(team_lead, nanning_market)
    board = f"/noticeboard/{nanning_market.pk}/"
    for user in (officer, team_lead, inspector):
        response = verified_client(user).get(board)
        assert response.status_code == 200, user
        assert article.title in response.content.decode()
        assert verified_client(user).get("/noticeboard/staff-training/").status_code == 200
    assert verified_client(stranger).get(board).status_code == 404
    for admin in (system_admin, audit_admin):
        assert verified_client(admin).get(board).status_code == 403
        assert verified_client(admin).get("/noticeboard/").status_code == 403
        assert verified_client(admin).get("/noticeboard/staff-training/").status_code == 403


def test_editing_pages_are_for_the_market_team_lead(
    officer, team_lead, inspector, stranger, system_admin, nanning_market, verified_client
) -> None:
    article = article_make(team_lead, nanning_market)
    pages = [
        f"/noticeboard/{nanning_market.pk}/articles/new/",
        f"/noticeboard/articles/{article.pk}/edit/",
        f"/noticeboard/{nanning_market.pk}/texts/start_up/",
        "/noticeboard/staff-training/new/",
    ]
    for url in pages:
        assert verified_client(team_lead).get(url).status_code == 200, url
        assert verified_client(officer).get(url).status_code == 403, url
        assert verified_client(inspector).get(url).status_code == 403, url
        assert verified_client(system_admin).get(url).status_code == 403, url
    for url in pages[:3]:
        assert verified_client(stranger).get(url).status_code == 404, url
    assert (
        verified_client(team_lead)
        .get(f"/noticeboard/{nanning_market.pk}/texts/weather/")
        .status_code
        == 404
    )


def test_publishing_keeps_the_input_on_error_and_publishes_when_valid(
    team_lead, nanning_market, verified_client
) -> None:
    client = verified_client(team_lead)
    url = f"/noticeboard/{nanning_market.pk}/articles/new/"
    data = {
        "title": "<b>稳岗</b>返还政策",
        "issuing_body": "",
        "document_number": "桂人社发〔2026〕1号",
        "published_on": "2026-02-01",
        "source_url": "",
        "body": "<p>正文</p>",
    }
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_issuing_body_errors"' in page
    assert "&lt;b&gt;稳岗&lt;/b&gt;返还政策" in page  # kept, and escaped
    assert not PolicyArticle.objects.exists()

    data["issuing_body"] = "广西壮族自治区人力资源和社会保障厅"
    response = client.post(url, data)
    assert response.status_code == 302
    article = PolicyArticle.objects.get()
    assert article.market == nanning_market

    edit = f"/noticeboard/articles/{article.pk}/edit/"
    assert client.post(edit, {**data, "title": "稳岗返还政策"}).status_code == 302
    archive = f"/noticeboard/articles/{article.pk}/archive/"
    bad = client.post(archive, {"archived_on": "2026-01-01"})
    assert bad.status_code == 400
    assert 'id="id_archived_on_errors"' in bad.content.decode()
    assert client.post(archive, {"archived_on": ""}).status_code == 302
    article.refresh_from_db()
    assert article.title == "稳岗返还政策"
    assert article.archived_on == date(2026, 3, 2)


def test_a_team_lead_sets_a_text_and_records_a_training_through_the_pages(
    officer, team_lead, nanning_market, verified_client
) -> None:
    client = verified_client(team_lead)
    url = f"/noticeboard/{nanning_market.pk}/texts/complaint_channels/"
    assert client.post(url, {"body": "<p>投诉请拨 0771-5501234</p>"}).status_code == 302
    assert NoticeBlock.objects.get().kind == "complaint_channels"

    new = "/noticeboard/staff-training/new/"
    data = {
        "market": str(nanning_market.pk),
        "user": str(officer.pk),
        "title": "",
        "provider": "南宁市职业技能鉴定中心",
        "date": "2026-02-27",
        "hours": "4",
    }
    response = client.post(new, data)
    assert response.status_code == 200
    assert 'id="id_title_errors"' in response.content.decode()
    assert client.post(new, {**data, "title": "政策咨询业务培训"}).status_code == 302
    listing = verified_client(officer).get("/noticeboard/staff-training/").content.decode()
    assert "政策咨询业务培训" in listing


def test_the_public_board_works_without_sign_in_and_shows_no_personal_data(
    client, officer, team_lead, nanning_market
) -> None:
    from counter_support import posting_make, qingxiu_make

    qingxiu_make()
    welfare = posting_make(officer, nanning_market, publish=True)
    Posting.objects.filter(pk=welfare.pk).update(is_public_welfare=True)
    current = article_make(team_lead, nanning_market)
    old = article_make(
        team_lead, nanning_market, title="2024年零工补贴办法", published_on=date(2024, 1, 2)
    )
    policy_article_archive(actor=team_lead, article=old, on=date(2025, 12, 31))
    notice_block_set(
        actor=team_lead, market=nanning_market, kind="start_up", body="<p>创业担保贷款咨询</p>"
    )

    response = client.get(f"/portal/{nanning_market.pk}/board/")
    page = response.content.decode()
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    assert current.title in page and current.document_number in page
    archive = page[page.index('id="archive"') :]
    assert "2024年零工补贴办法" in archive
    assert "2024-01-02" in archive and "2025-12-31" in archive
    assert "创业担保贷款咨询" in page
    assert "12333" in page and nanning_market.service_phone in page
    assert "首问负责" in page or "First-contact responsibility" in page
    assert welfare.occupation.name in page
    employer = Applicant.objects.get(pk=welfare.employer_id)
    for secret in (
        welfare.contact_name,
        welfare.contact_phone,
        employer.mobile,
        officer.username,
        officer.full_name,
        team_lead.username,
        team_lead.full_name,
    ):
        assert secret not in page, secret
    assert client.get("/portal/999999/board/").status_code == 404


def test_the_board_default_service_rules_give_way_to_a_market_text(
    client, team_lead, nanning_market
) -> None:
    url = f"/portal/{nanning_market.pk}/board/"
    assert "一次性告知" in client.get(url).content.decode() or "Single notice" in (
        client.get(url).content.decode()
    )
    notice_block_set(
        actor=team_lead, market=nanning_market, kind="service_rules", body="<p>本市场服务承诺</p>"
    )
    page = client.get(url).content.decode()
    assert "本市场服务承诺" in page
    assert "Single notice" not in page
