"""The counter pages of instant quick hiring (即时快招) as each role sees them: take a posting
and publish it in one sitting, the moderation queue, register a seeker, the seeker's page with
guidance, matches and referrals, and the posting's page with the seekers who fit.

Officers and team leads work here; inspectors read (forms 403); an officer of another market
gets 404 for a posting or seeker (its existence is not theirs to know); administrators 403.
Bad input re-renders the form with everything as typed and the message on the field."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from counter_support import (
    CREDIT_CODE,
    SEEKER_ID,
    SEEKER_ID_MASKED,
    SEEKER_MOBILE,
    SEEKER_MOBILE_MASKED,
    posting_form,
    posting_make,
    qingxiu_make,
    seeker_form,
    seeker_make,
)
from django.test import Client
from django.utils import timezone, translation
from test_case_support import market_make, messages_of, page, staff_make

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Applicant, Case, ChecklistItem, State
from markets.models import Market, Region, Role
from workflows.guidance.models import Outcome, Referral
from workflows.postings.models import Posting, Status
from workflows.postings.screening import BASES, CATEGORY_LABELS
from workflows.seekers.models import GuidanceItem, SeekerProfile

Clients = Callable[[User], Client]
NEW_POSTING = "/counter/postings/new/"
QUEUE = "/counter/postings/"
NEW_SEEKER = "/counter/seekers/new/"


@pytest.fixture
def qingxiu(nanning: Region) -> Region:
    return qingxiu_make()


@pytest.fixture
def liuzhou_market(liuzhou: Region) -> Market:
    return market_make("450200", "柳州市")


@pytest.fixture
def other_officer(liuzhou_market: Market) -> User:
    """An officer of another market (柳州)."""
    return staff_make("liuzhou_officer", Role.OFFICER, market=liuzhou_market)


@pytest.fixture
def posting(officer: User, nanning_market: Market, qingxiu: Region) -> Posting:
    """A posting in review at the Nanning market."""
    return posting_make(officer, nanning_market)


@pytest.fixture
def seeker(officer: User, nanning_market: Market, qingxiu: Region) -> SeekerProfile:
    return seeker_make(officer, nanning_market)


def zh(message: str) -> str:
    """A message as the Chinese page (the default) shows it."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def field_errors(response: Any, name: str) -> list[str]:
    return list(response.context["form"].errors.get(name, []))


def input_value(html: str, name: str) -> str | None:
    """The value attribute of the input named ``name`` as the page renders it."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag:
            found = re.search(r'value="([^"]*)"', tag)
            return found.group(1) if found else ""
    return None


# --- Who may open which page -------------------------------------------------------------------

PAGES = {
    NEW_POSTING: {"officer": 200, "team_lead": 200, "inspector": 403},
    QUEUE: {"officer": 200, "team_lead": 200, "inspector": 200},
    NEW_SEEKER: {"officer": 200, "team_lead": 200, "inspector": 403},
    "/counter/postings/{posting}/": {"officer": 200, "team_lead": 200, "inspector": 200},
    "/counter/seekers/{seeker}/": {"officer": 200, "team_lead": 200, "inspector": 200},
}
ROLES = [
    "officer",
    "team_lead",
    "inspector",
    "other_officer",
    *(
        "system_admin",
        "security_admin",
        "audit_admin",
    ),
]


def expected_status(pattern: str, role: str) -> int:
    if role in ("system_admin", "security_admin", "audit_admin"):
        return 403
    if role == "other_officer":
        return 404 if "{" in pattern else 200
    return PAGES[pattern][role]


@pytest.mark.parametrize("pattern", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_on_each_counter_page(
    request: pytest.FixtureRequest,
    verified_client: Clients,
    posting: Posting,
    seeker: SeekerProfile,
    pattern: str,
    role: str,
) -> None:
    user = request.getfixturevalue(role)
    url = pattern.format(posting=posting.pk, seeker=seeker.pk)

    response = verified_client(user).get(url)

    assert response.status_code == expected_status(pattern, role)


def test_the_inspector_reads_the_seeker_page_without_its_forms_and_may_post_none(
    verified_client: Clients, inspector: User, seeker: SeekerProfile
) -> None:
    client = verified_client(inspector)

    html = page(client.get(f"/counter/seekers/{seeker.pk}/"))
    refused = [
        client.post(f"/counter/seekers/{seeker.pk}/guidance/", {"item": "basic_pension"}),
        client.post(f"/counter/seekers/{seeker.pk}/refer/", {"posting": "1"}),
        client.post(NEW_SEEKER, seeker_form()),
        client.post(NEW_POSTING, posting_form()),
    ]

    assert SEEKER_ID_MASKED in html
    assert f"/counter/seekers/{seeker.pk}/guidance/" not in html
    assert f"/counter/seekers/{seeker.pk}/refer/" not in html
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert GuidanceItem.objects.count() == 0


def test_the_inspector_sees_the_queue_but_no_action(
    verified_client: Clients, inspector: User, posting: Posting
) -> None:
    client = verified_client(inspector)

    html = page(client.get(QUEUE))
    response = client.post(f"/counter/postings/{posting.pk}/publish/")

    assert str(posting) in html
    assert "/publish/" not in html
    assert response.status_code == 403
    posting.refresh_from_db()
    assert posting.status == Status.IN_REVIEW


def test_nav_links_to_the_counter_pages(verified_client: Clients, officer: User) -> None:
    html = page(verified_client(officer).get("/"))

    assert f'href="{NEW_POSTING}"' in html
    assert f'href="{NEW_SEEKER}"' in html
    assert f'href="{QUEUE}"' in html


# --- Taking a posting --------------------------------------------------------------------------


def test_the_posting_form_focuses_the_employer_and_defaults_from_the_market(
    verified_client: Clients, guangxi: Region, nanning: Region, qingxiu: Region
) -> None:
    market = Market.objects.create(
        region=qingxiu,
        name="南宁市青秀区零工市场",
        service_phone="0771-5501234",
        address="民族大道 100 号",
        opens_at="08:30",
        closes_at="17:30",
        premises_area_m2="120.0",
    )
    user = staff_make("qingxiu_officer", Role.OFFICER, market=market)

    response = verified_client(user).get(NEW_POSTING)

    html = page(response)
    today = timezone.localdate().isoformat()
    assert re.search(r'<input[^>]*name="employer_name"[^>]*autofocus', html)
    assert input_value(html, "county") == "450103"
    assert input_value(html, "start_date") == today
    assert input_value(html, "end_date") == today
    assert '<datalist id="occupation-list">' in html
    assert 'value="4-03-02-05"' in html
    # Enter submits the first button: publish.
    buttons = re.findall(r'<button type="submit" name="decision" value="(\w+)"', html)
    assert buttons == ["publish", "review"]


def test_a_clean_posting_is_published_at_the_counter_in_one_sitting(
    verified_client: Clients, officer: User, nanning_market: Market, qingxiu: Region
) -> None:
    response = verified_client(officer).post(NEW_POSTING, posting_form())

    posting = Posting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/counter/postings/{posting.pk}/"
    assert posting.status == Status.PUBLISHED
    assert posting.market == nanning_market
    assert posting.employer.credit_code == CREDIT_CODE
    assert posting.case is not None and posting.case.state == State.CLOSED
    assert posting.case.first_contact_officer == officer
    assert AuditEvent.objects.filter(
        target_type="postings.posting", target_id=str(posting.pk), actor=officer
    ).exists()


def test_an_occupation_is_found_by_its_name_and_a_county_by_its_name(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    verified_client(officer).post(
        NEW_POSTING, posting_form(occupation="餐厅服务员", county="青秀区")
    )

    posting = Posting.objects.get()
    assert posting.occupation.code == "4-03-02-05"
    assert posting.county == qingxiu


def test_a_person_may_hire_with_name_id_number_and_mobile(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    response = verified_client(officer).post(
        NEW_POSTING,
        posting_form(
            employer_name="李四", credit_code="", employer_id_number=SEEKER_ID, decision="review"
        ),
    )

    posting = Posting.objects.get()
    assert response.status_code == 302
    assert posting.employer.kind == Applicant.Kind.PERSON
    assert posting.employer.id_number_masked == SEEKER_ID_MASKED
    assert posting.status == Status.IN_REVIEW


def test_save_for_review_leaves_the_posting_in_the_queue(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    client = verified_client(officer)

    client.post(NEW_POSTING, posting_form(decision="review"))
    queue = client.get(QUEUE)

    posting = Posting.objects.get()
    assert posting.status == Status.IN_REVIEW
    assert [row["posting"].pk for row in queue.context["rows"]] == [posting.pk]
    assert posting.case is not None and posting.case.reference in page(queue)


def refused(client: Client, data: dict[str, str]) -> Any:
    """Post a posting that must be refused: 200, nothing created."""
    response = client.post(NEW_POSTING, data)
    assert response.status_code == 200
    assert Posting.objects.count() == 0
    assert Applicant.objects.count() == 0  # the employer is not left behind
    return response


def test_a_negative_pay_is_refused_on_its_field_and_everything_typed_is_kept(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    data = posting_form(pay_min="-50")

    response = refused(verified_client(officer), data)

    html = page(response)
    assert field_errors(response, "pay_min")
    assert all(zh("Pay from") in error for error in field_errors(response, "pay_min"))
    for name in ("employer_name", "credit_code", "contact_phone", "pay_min", "address"):
        assert input_value(html, name) == data[name]
    assert "有餐厅服务经验，普通话流利</textarea>" in html
    # Focus moves to the field in error, which says so.
    assert re.search(r'<input[^>]*name="pay_min"[^>]*autofocus', html)
    assert re.search(r'<input[^>]*name="pay_min"[^>]*aria-invalid="true"', html)


def test_pay_below_the_minimum_wage_is_refused_with_the_figure(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    response = refused(verified_client(officer), posting_form(pay_min="50", pay_max=""))

    [error] = field_errors(response, "pay_min")
    assert "160.80" in error  # 20.10 yuan an hour × 8 hours: the daily floor in 青秀区
    assert "青秀区" in error
    assert input_value(page(response), "pay_min") == "50"


def test_part_time_work_settled_monthly_is_refused_on_the_settlement(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    data = posting_form(
        employment_form="part_time",
        settlement="monthly",
        start_time="09:00",
        end_time="13:00",
        break_minutes="0",
        pay_method="hourly",
        pay_min="25",
        pay_max="",
    )

    response = refused(verified_client(officer), data)

    [error] = field_errors(response, "settlement")
    assert error.endswith(
        zh(
            "part-time work (非全日制) is paid at least every 15 days (Labour Contract Law "
            "art. 72); choose daily, weekly or within 15 days."
        )
    )
    assert response.context["form"]["settlement"].value() == "monthly"
    assert response.context["form"]["employment_form"].value() == "part_time"


def test_a_discriminatory_phrase_blocks_the_posting_with_phrase_category_and_basis(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    response = refused(
        verified_client(officer), posting_form(skill_requirements="限男性，有餐厅服务经验")
    )

    html = page(response)
    [error] = field_errors(response, "skill_requirements")
    assert "限男性" in error
    [finding] = response.context["findings"]
    assert finding["phrase"] in "限男性"
    assert finding["category"] == "gender"
    assert str(finding["category_label"]) in html
    assert "就业促进法" in str(finding["basis"])
    assert f"<mark>{finding['phrase']}</mark>" in html
    # In Chinese mode the citation and the category are Chinese, never codes or English.
    assert "《就业促进法》第三条、第二十六条、第二十七条" in html
    assert "art. 3" not in html
    assert "(gender)" not in html and "（性别）" in error
    assert "限男性，有餐厅服务经验</textarea>" in html


def test_an_employer_id_number_of_17_characters_is_refused_on_its_field(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    data = posting_form(credit_code="", employer_id_number=SEEKER_ID[:17])

    response = refused(verified_client(officer), data)

    assert field_errors(response, "employer_id_number")
    assert input_value(page(response), "employer_id_number") == SEEKER_ID[:17]


def test_the_employer_is_an_organisation_or_a_person_not_both(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    response = refused(verified_client(officer), posting_form(employer_id_number=SEEKER_ID))

    assert field_errors(response, "credit_code")


def test_errors_are_in_the_language_of_the_user(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    client = verified_client(officer)
    client.cookies["django_language"] = "en"

    response = refused(client, posting_form(pay_min="-50"))

    assert field_errors(response, "pay_min") == ["Pay from: the amount must be more than zero."]


# --- The moderation queue -----------------------------------------------------------------------


def test_an_officer_publishes_from_the_queue(
    verified_client: Clients, officer: User, posting: Posting
) -> None:
    client = verified_client(officer)
    html = page(client.get(QUEUE))

    response = client.post(f"/counter/postings/{posting.pk}/publish/", {"next": "queue"})

    posting.refresh_from_db()
    assert f"/counter/postings/{posting.pk}/publish/" in html
    assert f"/counter/postings/{posting.pk}/reject/" not in html  # a team lead's decision
    assert response["Location"] == QUEUE
    assert posting.status == Status.PUBLISHED


def test_an_officer_may_not_reject(
    verified_client: Clients, officer: User, posting: Posting
) -> None:
    response = verified_client(officer).post(
        f"/counter/postings/{posting.pk}/reject/", {"reason": "不是真实岗位"}, follow=True
    )

    posting.refresh_from_db()
    assert posting.status == Status.IN_REVIEW
    assert messages_of(response) == [zh("You may not do this to this posting.")]


def test_a_team_lead_rejects_with_a_reason(
    verified_client: Clients, team_lead: User, posting: Posting
) -> None:
    client = verified_client(team_lead)

    empty = client.post(f"/counter/postings/{posting.pk}/reject/", {"reason": "  "})
    response = client.post(f"/counter/postings/{posting.pk}/reject/", {"reason": "不是真实岗位"})

    posting.refresh_from_db()
    assert empty.status_code == 200
    assert empty.context["forms"]["reject"].errors["reason"]
    assert response.status_code == 302
    assert posting.status == Status.REJECTED
    assert posting.case is not None and "不是真实岗位" in posting.case.outcome


def test_an_officer_returns_a_posting_for_correction_with_one_notice(
    verified_client: Clients, officer: User, posting: Posting
) -> None:
    items = list(ChecklistItem.objects.filter(kind="posting_review")[:2])

    response = verified_client(officer).post(
        f"/counter/postings/{posting.pk}/return/", {"items": [item.pk for item in items]}
    )

    posting.refresh_from_db()
    assert response.status_code == 302
    assert posting.status == Status.IN_REVIEW
    assert posting.case is not None and posting.case.state == State.AWAITING_MATERIALS
    notice = posting.case.notices.get()
    assert sorted(i.name for i in notice.items.all()) == sorted(i.name for i in items)


def test_another_markets_officer_cannot_act_on_a_posting(
    verified_client: Clients, other_officer: User, posting: Posting
) -> None:
    response = verified_client(other_officer).post(f"/counter/postings/{posting.pk}/publish/")

    assert response.status_code == 404
    posting.refresh_from_db()
    assert posting.status == Status.IN_REVIEW


# --- Registering a seeker and their page --------------------------------------------------------


def test_the_seeker_form_focuses_the_name_and_defaults_from_the_market(
    verified_client: Clients, officer: User
) -> None:
    html = page(verified_client(officer).get(NEW_SEEKER))

    assert re.search(r'<input[^>]*name="name"[^>]*autofocus', html)
    assert input_value(html, "wanted_areas") == "450100"


def test_a_registered_seeker_lands_on_their_page_with_masked_id_and_mobile(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    client = verified_client(officer)

    response = client.post(NEW_SEEKER, seeker_form())

    seeker = SeekerProfile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/counter/seekers/{seeker.pk}/"
    assert seeker.wanted_occupations == ["4-03-02-05"]
    assert seeker.available_days == [1, 2, 3, 4, 5]
    assert seeker.certificates == ["健康证"]
    html = page(client.get(response["Location"]))
    assert SEEKER_ID_MASKED in html and SEEKER_MOBILE_MASKED in html
    assert SEEKER_ID not in html and SEEKER_MOBILE not in html
    assert "餐厅服务员" in html  # the wanted occupation by name


def test_a_seeker_id_number_of_17_characters_is_refused_and_the_input_kept(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    data = seeker_form(id_number=SEEKER_ID[:17], min_daily_pay="-5")

    response = verified_client(officer).post(NEW_SEEKER, data)

    html = page(response)
    assert response.status_code == 200
    assert SeekerProfile.objects.count() == 0
    assert field_errors(response, "id_number")
    assert field_errors(response, "min_daily_pay")
    assert input_value(html, "id_number") == SEEKER_ID[:17]
    assert input_value(html, "name") == "韦小宝"
    assert input_value(html, "wanted_occupations") == "4-03-02-05"
    assert re.search(r'<input[^>]*name="id_number"[^>]*autofocus', html)


def test_guidance_is_recorded_from_the_seeker_page(
    verified_client: Clients, officer: User, seeker: SeekerProfile
) -> None:
    client = verified_client(officer)

    bad = client.post(f"/counter/seekers/{seeker.pk}/guidance/", {"item": "nonsense"})
    response = client.post(
        f"/counter/seekers/{seeker.pk}/guidance/",
        {"item": "basic_pension", "outcome": "advised", "note": "已告知灵活就业参保"},
    )

    assert bad.status_code == 200 and bad.context["guidance_form"].errors
    assert response.status_code == 302
    item = GuidanceItem.objects.get()
    assert (item.item, item.outcome, item.officer) == ("basic_pension", "advised", officer)
    assert "已告知灵活就业参保" in page(client.get(f"/counter/seekers/{seeker.pk}/"))


# --- The walk: seeker, posting, match, referral, outcome ---------------------------------------


def test_the_counter_walk_from_registration_to_a_referral(
    verified_client: Clients, officer: User, team_lead: User, qingxiu: Region
) -> None:
    client = verified_client(officer)
    client.post(NEW_SEEKER, seeker_form())
    seeker = SeekerProfile.objects.get()
    client.post(NEW_POSTING, posting_form())
    posting = Posting.objects.get(status=Status.PUBLISHED)

    seeker_page = client.get(f"/counter/seekers/{seeker.pk}/")
    [match] = seeker_page.context["matches"]
    posting_page = client.get(f"/counter/postings/{posting.pk}/")
    refer = client.post(f"/counter/seekers/{seeker.pk}/refer/", {"posting": posting.pk})
    again = client.post(
        f"/counter/seekers/{seeker.pk}/refer/", {"posting": posting.pk}, follow=True
    )
    referral = Referral.objects.get()
    outcome = client.post(
        f"/counter/referrals/{referral.pk}/outcome/", {"outcome": "referred", "note": "已电话联系"}
    )
    after = page(client.get(f"/counter/seekers/{seeker.pk}/"))

    assert match.posting == posting and match.score > 50
    html = unescape(page(seeker_page))
    assert len(match.reasons) >= 5
    assert all(reason.text in html for reason in match.reasons)
    assert "餐厅服务员" in match.reasons[0].text  # the largest share: the same occupation
    assert [m.seeker for m in posting_page.context["matches"]] == [seeker]
    assert refer.status_code == 302
    assert zh("This seeker was recommended for this posting already.") in messages_of(again)
    assert (referral.seeker, referral.posting, referral.officer) == (seeker, posting, officer)
    assert referral.score == match.score
    assert outcome.status_code == 302
    referral.refresh_from_db()
    assert referral.outcome == Outcome.REFERRED
    assert "已电话联系" in after
    assert str(Outcome.REFERRED.label) in after or "已转介" in after
    assert Case.objects.filter(kind="seeker_registration", state=State.CLOSED).count() == 1


@pytest.mark.parametrize("posting_number", ["0.", f"{10**30}", "1.0"])
def test_a_recommended_posting_number_the_form_reads_loosely_is_no_server_error(
    verified_client: Clients, officer: User, qingxiu: Region, posting_number: str
) -> None:
    # Django's IntegerField takes "0." as 0: the view must look the posting up by the number
    # the form cleaned, not by the raw text (which the database cannot read).
    client = verified_client(officer)
    client.post(NEW_SEEKER, seeker_form())
    seeker = SeekerProfile.objects.get()

    response = client.post(f"/counter/seekers/{seeker.pk}/refer/", {"posting": posting_number})

    assert response.status_code == 302
    assert not Referral.objects.exists()


# --- The lawful-content screen: refusals and "either is acceptable" (issue 10, item 8) ----------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_refusal_by_exclusion_verb_is_refused_on_its_field_naming_phrase_and_rule(
    verified_client: Clients, officer: User, qingxiu: Region, language: str
) -> None:
    client = verified_client(officer)
    client.cookies["django_language"] = language
    data = posting_form(
        skill_requirements="有餐厅服务经验，不录用户籍为外省的人员",
        description="本店直招，谢绝有宗教信仰的人员。",
    )

    response = refused(client, data)

    html = page(response)
    [skills] = field_errors(response, "skill_requirements")
    [description] = field_errors(response, "description")
    with translation.override(language):
        hukou = str(CATEGORY_LABELS["household_registration"])
        religion = str(CATEGORY_LABELS["religion"])
        hukou_basis = str(BASES["household_registration"])
    # the field, the phrase as typed, the rule (category and legal basis)
    assert "“不录用户籍为外省的”" in skills and hukou in skills and hukou_basis in skills
    assert skills.startswith(str(response.context["form"]["skill_requirements"].label))
    assert "“谢绝有宗教信仰”" in description and religion in description
    assert {f["category"] for f in response.context["findings"]} == {
        "household_registration",
        "religion",
    }
    assert "<mark>不录用户籍为外省的</mark>" in html
    if language == "en":
        assert "is not allowed (Household registration (hukou) or origin)" in skills
        assert "Employment Promotion Law art. 26, 31" in skills
    else:
        assert "《就业促进法》第二十六条、第三十一条" in skills
        assert "art. 26" not in html


def test_a_posting_saying_either_status_is_acceptable_is_published(
    verified_client: Clients, officer: User, nanning_market: Market, qingxiu: Region
) -> None:
    data = posting_form(
        skill_requirements="已婚未婚均可，本地、外地皆可，有餐厅服务经验",
        description="不论是否有宗教信仰，男、女皆可，有无孩子都可以。",
    )

    response = verified_client(officer).post(NEW_POSTING, data)

    posting = Posting.objects.get()
    assert response.status_code == 302
    assert posting.status == Status.PUBLISHED
    assert posting.screening_findings == []
    assert AuditEvent.objects.filter(
        target_type="postings.posting", target_id=str(posting.pk), actor=officer
    ).exists()
