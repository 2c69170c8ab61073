"""A policy consultation case cites policy articles; other kinds cannot."""

from __future__ import annotations

import pytest
from conftest import case_make
from django.core.exceptions import PermissionDenied, ValidationError
from noticeboard_support import actions, article_make, liuzhou_market, staff_make

from cases.models import Case
from markets.models import Role
from noticeboard.models import CaseCitation
from noticeboard.services import policy_article_archive, policy_article_cite
from sla.models import Deadline

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def _claimed_case(officer) -> Case:
    """A consultation taken at the counter: owned by the officer who took it."""
    case = case_make(officer)
    assert case.owner_id == officer.pk
    return case


def test_the_owner_cites_a_policy_on_a_consultation_case_with_its_trail(
    officer, team_lead, nanning_market, verified_client
) -> None:
    article = article_make(team_lead, nanning_market)
    case = _claimed_case(officer)
    due_before = dict(
        Deadline.objects.filter(subject_type="cases.case", subject_id=case.pk).values_list(
            "target", "due_at"
        )
    )
    assert due_before  # the consultation runs against its time limit

    citation = policy_article_cite(actor=officer, case=case, article=article)

    assert citation.cited_by == officer
    assert list(CaseCitation.objects.values_list("case", "article")) == [(case.pk, article.pk)]
    assert actions(target_type="cases.case", target_id=str(case.pk))[-1] == "case.policy_cited"
    due_after = dict(
        Deadline.objects.filter(subject_type="cases.case", subject_id=case.pk).values_list(
            "target", "due_at"
        )
    )
    assert due_after == due_before  # citing neither pauses nor moves the clock

    page = verified_client(officer).get(f"/noticeboard/cases/{case.pk}/citations/")
    assert page.status_code == 200
    assert article.title in page.content.decode()


def test_citing_the_same_policy_twice_is_refused(officer, team_lead, nanning_market) -> None:
    article = article_make(team_lead, nanning_market)
    case = _claimed_case(officer)
    policy_article_cite(actor=officer, case=case, article=article)
    with pytest.raises(ValidationError) as error:
        policy_article_cite(actor=team_lead, case=case, article=article)
    assert "article" in error.value.message_dict


def test_a_case_of_another_kind_cannot_cite(officer, team_lead, nanning_market) -> None:
    article = article_make(team_lead, nanning_market)
    case = _claimed_case(officer)
    Case.objects.filter(pk=case.pk).update(kind="posting_review")
    case.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        policy_article_cite(actor=officer, case=case, article=article)
    assert "case" in error.value.message_dict
    assert not CaseCitation.objects.exists()


def test_someone_who_may_not_work_on_the_case_cannot_cite(
    officer, inspector, team_lead, nanning_market
) -> None:
    article = article_make(team_lead, nanning_market)
    case = _claimed_case(officer)
    colleague = staff_make("colleague", Role.OFFICER, nanning_market)
    for user in (colleague, inspector):
        with pytest.raises(PermissionDenied):
            policy_article_cite(actor=user, case=case, article=article)
    assert not CaseCitation.objects.exists()


def test_only_a_policy_of_the_case_market_board_can_be_cited(officer, nanning_market) -> None:
    other = liuzhou_market()
    other_lead = staff_make("liuzhou_lead", Role.TEAM_LEAD, other)
    foreign = article_make(other_lead, other)
    case = _claimed_case(officer)
    with pytest.raises(ValidationError) as error:
        policy_article_cite(actor=officer, case=case, article=foreign)
    assert "article" in error.value.message_dict


def test_the_cite_page_refuses_another_kind_and_cites_on_a_consultation(
    officer, team_lead, nanning_market, verified_client
) -> None:
    article = article_make(team_lead, nanning_market)
    archived = article_make(team_lead, nanning_market, title="已废止政策")
    policy_article_archive(actor=team_lead, article=archived)
    case = _claimed_case(officer)
    client = verified_client(officer)
    url = f"/noticeboard/cases/{case.pk}/citations/"

    page = client.get(url).content.decode()
    assert "已废止政策" not in page  # only current policies are offered
    bad = client.post(url, {"article": "999999"})
    assert bad.status_code == 200
    assert 'id="id_article_errors"' in bad.content.decode()
    response = client.post(url, {"article": str(article.pk)})
    assert response.status_code == 302
    assert CaseCitation.objects.filter(case=case, article=article).exists()

    Case.objects.filter(pk=case.pk).update(kind="posting_review")
    assert client.post(url, {"article": str(article.pk)}).status_code == 403
