"""Publishing, changing and archiving policy articles: rights, bad input and the trail."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from noticeboard_support import actions, article_make, liuzhou_market

from markets.models import Market
from noticeboard.models import NoticeBlock, PolicyArticle
from noticeboard.selectors import (
    policy_article_list_archived,
    policy_article_list_current,
)
from noticeboard.services import (
    notice_block_set,
    policy_article_archive,
    policy_article_update,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def test_a_team_lead_publishes_changes_and_archives_a_policy_with_its_trail(
    team_lead, nanning_market
) -> None:
    article = article_make(team_lead, nanning_market)
    assert list(policy_article_list_current(market=nanning_market)) == [article]

    policy_article_update(
        actor=team_lead,
        article=article,
        title="灵活就业人员社保补贴（2026年修订）",
        body=article.body,
        issuing_body=article.issuing_body,
        document_number=article.document_number,
        published_on=article.published_on,
        source_url=article.source_url,
    )
    policy_article_archive(actor=team_lead, article=article, on=date(2026, 3, 1))

    article.refresh_from_db()
    assert article.archived_on == date(2026, 3, 1)
    assert list(policy_article_list_current(market=nanning_market)) == []
    assert list(policy_article_list_archived(market=nanning_market)) == [article]
    assert actions(target_id=str(article.pk)) == [
        "policy_article.published",
        "policy_article.changed",
        "policy_article.archived",
    ]
    from audit.models import AuditEvent

    changed = AuditEvent.objects.get(action="policy_article.changed")
    assert changed.old_values == {"title": "灵活就业人员社会保险补贴政策"}
    assert changed.new_values == {"title": "灵活就业人员社保补贴（2026年修订）"}
    assert changed.market_id == nanning_market.pk


def test_saving_an_unchanged_policy_or_archiving_twice_writes_nothing(
    team_lead, nanning_market
) -> None:
    article = article_make(team_lead, nanning_market)
    fields = {
        name: getattr(article, name)
        for name in ("title", "body", "issuing_body", "document_number", "published_on")
    }
    policy_article_update(actor=team_lead, article=article, source_url=article.source_url, **fields)
    policy_article_archive(actor=team_lead, article=article)
    policy_article_archive(actor=team_lead, article=article)
    assert actions(target_id=str(article.pk)) == [
        "policy_article.published",
        "policy_article.archived",
    ]


def test_a_policy_archived_later_is_still_current_until_that_day(team_lead, nanning_market):
    article = article_make(team_lead, nanning_market)
    policy_article_archive(actor=team_lead, article=article, on=date(2026, 6, 30))
    assert list(policy_article_list_current(market=nanning_market)) == [article]
    assert list(policy_article_list_archived(market=nanning_market)) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"issuing_body": ""}, "issuing_body"),
        ({"body": ""}, "body"),
        ({"body": "<script>x()</script>"}, "body"),
        ({"source_url": "javascript:alert(1)"}, "source_url"),
        ({"title": "长" * 201}, "title"),
    ],
)
def test_bad_input_is_refused_on_its_field(team_lead, nanning_market, changes, field) -> None:
    with pytest.raises(ValidationError) as error:
        article_make(team_lead, nanning_market, **changes)
    assert field in error.value.message_dict
    assert not PolicyArticle.objects.exists()
    assert actions() == []


def test_archiving_before_publication_is_refused(team_lead, nanning_market) -> None:
    article = article_make(team_lead, nanning_market)
    with pytest.raises(ValidationError) as error:
        policy_article_archive(actor=team_lead, article=article, on=date(2025, 12, 31))
    assert "archived_on" in error.value.message_dict


def test_officers_and_inspectors_do_not_change_the_board(
    officer, inspector, team_lead, nanning_market
) -> None:
    for user in (officer, inspector):
        with pytest.raises(PermissionDenied):
            article_make(user, nanning_market)
        with pytest.raises(PermissionDenied):
            notice_block_set(actor=user, market=nanning_market, kind="start_up", body="<p>x</p>")
    article = article_make(team_lead, nanning_market)
    with pytest.raises(PermissionDenied):
        policy_article_archive(actor=officer, article=article)


def test_a_region_wide_policy_shows_on_every_market_of_the_region(team_lead, nanning_market):
    from conftest import MarketFactory, RegionFactory

    qingxiu = RegionFactory.create(code="450103", name="青秀区")
    county_market: Market = MarketFactory.create(region=qingxiu, name="青秀区零工市场")
    other = liuzhou_market()
    wide = article_make(team_lead, nanning_market, region_wide=True)
    own = article_make(team_lead, nanning_market, title="本市场专项政策")
    assert wide.region == nanning_market.region
    assert set(policy_article_list_current(market=nanning_market)) == {wide, own}
    assert list(policy_article_list_current(market=county_market)) == [wide]
    assert list(policy_article_list_current(market=other)) == []


def test_a_block_is_set_once_per_kind_and_logged(team_lead, nanning_market) -> None:
    notice_block_set(actor=team_lead, market=nanning_market, kind="service_rules", body="<p>a</p>")
    notice_block_set(actor=team_lead, market=nanning_market, kind="service_rules", body="<p>a</p>")
    notice_block_set(actor=team_lead, market=nanning_market, kind="service_rules", body="<p>b</p>")
    assert NoticeBlock.objects.get().body == "<p>b</p>"
    assert actions() == ["notice_block.set", "notice_block.set"]
    with pytest.raises(ValidationError):
        notice_block_set(actor=team_lead, market=nanning_market, kind="weather", body="x")
