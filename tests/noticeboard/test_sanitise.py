"""Rich text is cleaned to the allow-list on save and again on display."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from noticeboard_support import article_make

from noticeboard.models import NoticeBlock, PolicyArticle
from noticeboard.sanitise import rich_text_clean
from noticeboard.services import notice_block_set

HOSTILE = (
    '<p style="color:red" onclick="steal()">政策<script>alert(1)</script></p>'
    '<img src="x" onerror="alert(2)">'
    '<a href="javascript:alert(3)">点我</a>'
    '<a href="https://hrss.gxzf.gov.cn/" onmouseover="x()">人社厅</a>'
    "<h3>标题</h3><ul><li><strong>一</strong> <em>二</em></li></ul><blockquote>引</blockquote>"
    '<iframe src="https://evil.example/"></iframe><style>p{}</style>'
)


def _assert_clean(html: str) -> None:
    lowered = html.lower()
    for bad in (
        "<script",
        "alert(",
        "onerror",
        "onclick",
        "onmouseover",
        "javascript:",
        "style",
        "<img",
        "<iframe",
    ):
        assert bad not in lowered, bad


def test_the_allow_list_keeps_structure_and_removes_everything_dangerous() -> None:
    cleaned = rich_text_clean(HOSTILE)
    _assert_clean(cleaned)
    assert "<p>政策</p>" in cleaned
    assert '<a href="https://hrss.gxzf.gov.cn/" rel="noopener">人社厅</a>' in cleaned
    assert '<a rel="noopener">点我</a>' in cleaned  # the javascript: link loses its href
    for kept in (
        "<h3>标题</h3>",
        "<strong>一</strong>",
        "<em>二</em>",
        "<blockquote>引</blockquote>",
    ):
        assert kept in cleaned


@pytest.mark.django_db
def test_an_article_and_a_block_are_cleaned_when_saved(team_lead, nanning_market) -> None:
    article = article_make(team_lead, nanning_market, body=HOSTILE)
    _assert_clean(PolicyArticle.objects.get(pk=article.pk).body)
    block = notice_block_set(
        actor=team_lead, market=nanning_market, kind=NoticeBlock.Kind.START_UP, body=HOSTILE
    )
    _assert_clean(NoticeBlock.objects.get(pk=block.pk).body)


@pytest.mark.django_db
def test_text_written_around_the_services_is_cleaned_when_shown(
    team_lead, nanning_market, client
) -> None:
    article = article_make(team_lead, nanning_market)
    PolicyArticle.objects.filter(pk=article.pk).update(body=HOSTILE)  # as a raw import might
    shown = Template("{% load noticeboard_tags %}{{ body|rich_text }}").render(
        Context({"body": HOSTILE})
    )
    _assert_clean(shown)
    page = client.get(f"/portal/{nanning_market.pk}/board/").content.decode()
    assert "政策" in page
    assert "alert(" not in page and "onerror" not in page and "javascript:" not in page
    assert 'style="' not in page


@pytest.mark.django_db
def test_a_text_that_is_nothing_but_script_is_refused(team_lead, nanning_market) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        article_make(team_lead, nanning_market, body="<script>alert(1)</script>")
    assert "body" in error.value.message_dict
    assert not PolicyArticle.objects.exists()
