"""Postings kept current from the back office (issue 10, item 4): the list of published
postings with its filters, a page at a time with a bounded number of queries; correcting a
returned posting and resubmitting it (screened again); marking it filled, withdrawing it with a
reason, extending its last working day. Each change is an audit event and shows on the big
screen, the kiosk and the notice board at their next request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from counter_support import posting_make, qingxiu_make
from django.test import Client
from django.utils import timezone, translation
from test_case_support import market_make, messages_of, page, staff_make

from accounts.models import User
from audit.models import AuditEvent
from cases.models import ChecklistItem, State
from markets.models import Market, Region, Role
from workflows.postings.models import Posting, Status
from workflows.postings.services import posting_return_for_correction

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]
LIST = "/counter/postings/published/"


@pytest.fixture
def qingxiu(nanning: Region) -> Region:
    return qingxiu_make()


@pytest.fixture
def published(officer: User, nanning_market: Market, qingxiu: Region) -> Posting:
    """A published public-welfare job of the Nanning market (so that the notice board lists
    it as well as the big screen and the kiosk)."""
    return posting_make(
        officer, nanning_market, publish=True, is_public_welfare=True, eligibility=["4050"]
    )


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def actions_of(posting: Posting) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="postings.posting", target_id=str(posting.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def on_public_pages(market: Market, posting: Posting) -> dict[str, bool]:
    """Whether the big screen, the kiosk's list and the notice board show the posting now,
    each read afresh as a visitor's next request (and none of them cacheable)."""
    client = Client()
    link = f"/portal/{market.pk}/kiosk/postings/{posting.pk}/"
    shown = {}
    for name, url in (
        ("screen", f"/portal/{market.pk}/screen/"),
        ("kiosk", f"/portal/{market.pk}/kiosk/"),
        ("board", f"/portal/{market.pk}/board/"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-cache" in response["Cache-Control"], url
        if name == "screen":
            shown[name] = posting in list(response.context["page"].object_list)
        elif name == "board":
            shown[name] = posting in list(response.context["welfare_jobs"])
        else:
            shown[name] = link in page(response)
    shown["kiosk_posting"] = client.get(link).status_code == 200
    return shown


SHOWN = {"screen": True, "kiosk": True, "board": True, "kiosk_posting": True}
GONE = dict.fromkeys(SHOWN, False)


# --- The list ------------------------------------------------------------------------------------


def test_the_list_shows_published_postings_with_hires_and_actions_in_chinese_and_english(
    verified_client: Clients, officer: User, published: Posting
) -> None:
    client = verified_client(officer)

    chinese = page(client.get(LIST))
    client.cookies["django_language"] = "en"
    english = page(client.get(LIST, HTTP_ACCEPT_LANGUAGE="en"))

    assert zh("Published postings") in chinese
    assert f"/counter/postings/{published.pk}/fill/" in chinese
    assert f"/counter/postings/{published.pk}/withdraw/" in chinese
    assert f"/counter/postings/{published.pk}/extend/" in chinese
    assert "0 / 5" in chinese
    assert "Published postings" in english
    assert "Mark the posting filled" in english


def test_the_nav_links_to_the_list_and_reads_training_as_such(
    verified_client: Clients, officer: User
) -> None:
    html = page(verified_client(officer).get("/"))

    assert f'href="{LIST}"' in html
    assert ">培训</a>" in html
    assert ">培训名称</a>" not in html


def test_the_list_filters_by_market_occupation_ending_soon_and_filled(
    verified_client: Clients,
    officer: User,
    team_lead: User,
    nanning_market: Market,
    qingxiu: Region,
) -> None:
    from workflows.postings.services import posting_fill

    today = timezone.localdate()
    waiter = posting_make(officer, nanning_market, publish=True)
    cleaner = posting_make(
        officer,
        nanning_market,
        publish=True,
        occupation="4-07-05-01",
        skill_requirements="保洁经验",
        end_date=(today + timedelta(days=3)).isoformat(),
    )
    filled = posting_make(officer, nanning_market, publish=True)
    posting_fill(actor=officer, posting=filled)
    client = verified_client(team_lead)

    def listed(**query: str) -> list[int]:
        response = client.get(LIST, query)
        assert response.status_code == 200
        return [row["posting"].pk for row in response.context["rows"]]

    assert sorted(listed()) == sorted([waiter.pk, cleaner.pk])
    assert listed(occupation="4-07") == [cleaner.pk]
    assert listed(occupation="4-03-02-05 餐厅服务员") == [waiter.pk]
    assert listed(occupation="no such work") == []
    assert listed(expiring="on") == [cleaner.pk]
    assert listed(status="filled") == [filled.pk]
    assert sorted(listed(market=str(nanning_market.pk))) == sorted([waiter.pk, cleaner.pk])
    # A market one may not see, or nonsense, is left out; the other filters still apply.
    assert listed(market="999999", expiring="on") == [cleaner.pk]
    assert sorted(listed(status="withdrawn")) == sorted([waiter.pk, cleaner.pk])


def test_another_markets_postings_are_not_listed(
    verified_client: Clients, published: Posting, liuzhou: Region
) -> None:
    other = staff_make("liuzhou_officer", Role.OFFICER, market=market_make("450200", "柳州市"))

    response = verified_client(other).get(LIST)

    assert response.status_code == 200
    assert response.context["rows"] == []


def test_the_list_reads_a_bounded_number_of_queries_however_many_rows(
    verified_client: Clients,
    officer: User,
    nanning_market: Market,
    qingxiu: Region,
    django_assert_max_num_queries: Any,
) -> None:
    client = verified_client(officer)
    posting_make(officer, nanning_market, publish=True)
    client.get(LIST)  # session and second factor settled
    with django_assert_max_num_queries(14) as few:
        client.get(LIST)
    for _ in range(6):
        posting_make(officer, nanning_market, publish=True)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)

    assert len(response.context["rows"]) == 7


def test_the_inspector_reads_the_list_without_actions_and_may_not_act(
    verified_client: Clients, inspector: User, published: Posting
) -> None:
    client = verified_client(inspector)

    html = page(client.get(LIST))
    response = client.post(f"/counter/postings/{published.pk}/fill/")

    assert f"/counter/postings/{published.pk}/" in html
    assert f"/counter/postings/{published.pk}/fill/" not in html
    assert response.status_code == 403
    assert Posting.objects.get(pk=published.pk).status == Status.PUBLISHED


# --- Fill, withdraw, extend: audited, and on the public pages at once ----------------------------


def test_marking_filled_from_the_list_takes_the_posting_off_every_public_page(
    verified_client: Clients, officer: User, nanning_market: Market, published: Posting
) -> None:
    assert on_public_pages(nanning_market, published) == SHOWN

    response = verified_client(officer).post(
        f"/counter/postings/{published.pk}/fill/",
        {"next": "published", "list_query": "expiring=on&occupation=4-03"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?expiring=on&occupation=4-03"
    assert Posting.objects.get(pk=published.pk).status == Status.FILLED
    assert actions_of(published)[-1] == "posting.filled"
    assert on_public_pages(nanning_market, published) == GONE


def test_the_way_back_to_the_list_keeps_only_its_own_query(
    verified_client: Clients, officer: User, published: Posting
) -> None:
    response = verified_client(officer).post(
        f"/counter/postings/{published.pk}/fill/",
        {"next": "published", "list_query": "//evil.example/?a=1"},
    )

    assert response["Location"].startswith(f"{LIST}?")


def test_withdrawing_needs_a_reason_and_then_leaves_every_public_page(
    verified_client: Clients, officer: User, nanning_market: Market, published: Posting
) -> None:
    client = verified_client(officer)

    empty = client.post(f"/counter/postings/{published.pk}/withdraw/", {"reason": " "})
    assert empty.status_code == 200
    assert empty.context["forms"]["withdraw"].errors["reason"]
    assert on_public_pages(nanning_market, published) == SHOWN

    done = client.post(
        f"/counter/postings/{published.pk}/withdraw/", {"reason": "用工主体取消招聘"}, follow=True
    )

    assert Posting.objects.get(pk=published.pk).status == Status.WITHDRAWN
    assert messages_of(done) == [
        zh("The posting “%(posting)s” is withdrawn: it leaves the screens.")
        % {"posting": published}
    ]
    assert actions_of(published)[-1] == "posting.withdrawn"
    assert on_public_pages(nanning_market, published) == GONE


def test_extending_shows_the_new_last_day_on_the_kiosk_at_once(
    verified_client: Clients, officer: User, nanning_market: Market, published: Posting
) -> None:
    client = verified_client(officer)
    later = published.end_date + timedelta(days=14)
    kiosk = f"/portal/{nanning_market.pk}/kiosk/postings/{published.pk}/"
    assert later.isoformat() not in page(Client().get(kiosk))

    refused = client.post(
        f"/counter/postings/{published.pk}/extend/",
        {"end_date": (published.end_date - timedelta(days=1)).isoformat()},
    )
    response = client.post(
        f"/counter/postings/{published.pk}/extend/", {"end_date": later.isoformat()}
    )

    assert refused.status_code == 200
    [message] = refused.context["forms"]["extend"].errors["end_date"]
    assert published.end_date.isoformat() in message
    assert response.status_code == 302
    assert Posting.objects.get(pk=published.pk).end_date == later
    assert actions_of(published)[-1] == "posting.extended"
    assert later.isoformat() in page(Client().get(kiosk))
    assert on_public_pages(nanning_market, published) == SHOWN


# --- Correct a returned posting and resubmit it --------------------------------------------------


@pytest.fixture
def returned(officer: User, nanning_market: Market, qingxiu: Region) -> Posting:
    posting = posting_make(officer, nanning_market)
    items = list(ChecklistItem.objects.filter(kind="posting_review", name="技能要求"))
    posting_return_for_correction(actor=officer, posting=posting, items=items)
    return posting


def test_a_returned_posting_is_corrected_screened_again_resubmitted_and_published(
    verified_client: Clients, officer: User, nanning_market: Market, returned: Posting
) -> None:
    client = verified_client(officer)
    detail = page(client.get(f"/counter/postings/{returned.pk}/"))
    url = f"/counter/postings/{returned.pk}/correct/"
    form = client.get(url)
    values = {
        name: form.context["form"][name].value() or ""
        for name in form.context["form"].fields
        if name not in ("is_public_welfare", "eligibility")
    }

    blocked = client.post(url, {**values, "skill_requirements": "限男性，身体健康"})
    fixed = client.post(url, {**values, "skill_requirements": "两年以上餐厅服务经验"})

    assert url in detail
    assert form.status_code == 200
    assert "技能要求" in page(form)  # what the single notice asks for
    assert values["occupation"].startswith("4-03-02-05")
    assert blocked.status_code == 200
    assert blocked.context["form"].errors["skill_requirements"]
    assert blocked.context["findings"]
    assert fixed.status_code == 302
    returned.refresh_from_db()
    assert returned.skill_requirements == "两年以上餐厅服务经验"
    assert returned.case is not None and returned.case.state == State.IN_PROGRESS
    assert actions_of(returned)[-1] == "posting.resubmitted"
    assert on_public_pages(nanning_market, returned) == GONE

    client.post(f"/counter/postings/{returned.pk}/publish/")

    assert Posting.objects.get(pk=returned.pk).status == Status.PUBLISHED
    assert on_public_pages(nanning_market, returned)["kiosk"] is True


def test_a_posting_not_returned_has_no_correction_page(
    verified_client: Clients,
    officer: User,
    inspector: User,
    nanning_market: Market,
    qingxiu: Region,
) -> None:
    posting = posting_make(officer, nanning_market)

    response = verified_client(officer).get(f"/counter/postings/{posting.pk}/correct/", follow=True)

    assert response.redirect_chain[-1][0] == f"/counter/postings/{posting.pk}/"
    assert messages_of(response) == [zh("This posting is not waiting for corrections from you.")]
    assert (
        verified_client(inspector).get(f"/counter/postings/{posting.pk}/correct/").status_code
        == 403
    )


def test_the_hire_that_reaches_the_headcount_takes_the_posting_off_every_public_page(
    verified_client: Clients, officer: User, nanning_market: Market, qingxiu: Region
) -> None:
    from counter_support import seeker_make

    from workflows.guidance.models import Outcome
    from workflows.guidance.services import referral_outcome_set, referral_record

    posting = posting_make(
        officer,
        nanning_market,
        publish=True,
        headcount="1",
        is_public_welfare=True,
        eligibility=["4050"],
    )
    referral = referral_record(
        actor=officer, seeker=seeker_make(officer, nanning_market), posting=posting
    )
    referral_outcome_set(actor=officer, referral=referral, outcome=Outcome.REFERRED)
    assert on_public_pages(nanning_market, posting) == SHOWN

    response = verified_client(officer).post(
        f"/counter/referrals/{referral.pk}/outcome/", {"outcome": Outcome.HIRED}
    )

    assert response.status_code == 302
    assert Posting.objects.get(pk=posting.pk).status == Status.FILLED
    assert actions_of(posting)[-1] == "posting.filled"
    assert on_public_pages(nanning_market, posting) == GONE
    listed = verified_client(officer).get(LIST, {"status": "filled"})
    assert [row["posting"].pk for row in listed.context["rows"]] == [posting.pk]
    assert listed.context["rows"][0]["hired"] == 1
