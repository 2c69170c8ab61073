"""Registration and postings online (online.services): the counter's own services, channel
``online``, taken in by the market's online desk; the mobile is the one proven by the code;
an ID number or credit code on record with another mobile is refused; the posting's review
case waits in the market's queue on the online time limit; the applicant hands in the notice's
items, withdraws; another applicant's case is 404."""

from __future__ import annotations

import pytest
from conftest import ID_NUMBERS
from counter_support import (
    CREDIT_CODE,
    SEEKER_ID,
    posting_form,
    qingxiu_make,
    seeker_make,
)
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from online_support import posting_returned

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Applicant, Case, ChecklistItem, State
from cases.services import case_claim
from markets.models import Market
from online.desk import online_desk
from online.services import (
    SEEKER_SELF_SERVICE_FIELDS,
    online_case_withdraw,
    online_employer_register,
    online_materials_hand_in,
    online_posting_fill,
    online_posting_resubmit,
    online_posting_submit,
    online_posting_withdraw,
    online_seeker_register,
    online_seeker_update,
)
from sla.models import Deadline, Target
from workflows.postings.models import Status
from workflows.postings.services import posting_publish, posting_return_for_correction

pytestmark = pytest.mark.django_db

MOBILE = "13911112222"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

PROFILE = {
    "household_type": "rural",
    "home_county": "450103",
    "wanted_occupations": ["4-03-02-05"],
    "wanted_areas": ["450100"],
    "available_days": [1, 2, 3, 4, 5],
    "available_from": "08:00",
    "available_until": "20:00",
}


def _posting_data() -> dict[str, str]:
    skip = {"employer_name", "credit_code", "employer_id_number", "employer_mobile", "decision"}
    return {k: v for k, v in posting_form().items() if k not in skip}


@pytest.fixture
def employer(nanning_market: Market) -> Applicant:
    qingxiu_make()
    return online_employer_register(
        mobile=MOBILE, market=nanning_market, name="南宁市邕江餐饮有限公司", credit_code=CREDIT_CODE
    )


def test_a_seeker_registers_online_through_the_counters_service(nanning_market: Market) -> None:
    qingxiu_make()
    seeker = online_seeker_register(
        mobile=MOBILE, market=nanning_market, name="韦小宝", id_number=SEEKER_ID, profile=PROFILE
    )

    applicant = seeker.applicant
    assert applicant.mobile == MOBILE
    case = Case.objects.get(applicant=applicant)
    assert case.channel == "online"
    assert case.state == State.CLOSED  # complete: registered in one go
    assert case.first_contact_officer == online_desk(market=nanning_market)
    assert AuditEvent.objects.filter(action="seeker.registered").exists()


def test_a_malformed_id_number_is_refused_by_gb_11643(nanning_market: Market) -> None:
    with pytest.raises(ValidationError) as error:
        online_seeker_register(
            mobile=MOBILE,
            market=nanning_market,
            name="韦小宝",
            id_number="450102199003071239",
            profile=PROFILE,
        )
    assert "id_number" in error.value.message_dict
    assert not Applicant.objects.exists()


def test_an_id_number_on_record_with_another_mobile_is_refused(
    officer: User, nanning_market: Market
) -> None:
    qingxiu_make()
    seeker_make(officer, nanning_market)  # registered at the counter with 13800138000

    with pytest.raises(ValidationError) as error:
        online_seeker_register(
            mobile=MOBILE,
            market=nanning_market,
            name="韦小宝",
            id_number=SEEKER_ID,
            profile=PROFILE,
        )
    assert "id_number" in error.value.message_dict


def test_a_profile_edit_keeps_history(nanning_market: Market) -> None:
    qingxiu_make()
    seeker = online_seeker_register(
        mobile=MOBILE, market=nanning_market, name="韦小宝", id_number=SEEKER_ID, profile=PROFILE
    )

    online_seeker_update(applicant=seeker.applicant, changes={"skills": "收银"})

    seeker.refresh_from_db()
    assert seeker.skills == "收银"
    assert seeker.history.count() == 2


def test_a_profile_edit_online_takes_only_the_self_service_fields(nanning_market: Market) -> None:
    qingxiu_make()
    seeker = online_seeker_register(
        mobile=MOBILE, market=nanning_market, name="韦小宝", id_number=SEEKER_ID, profile=PROFILE
    )

    online_seeker_update(
        applicant=seeker.applicant,
        changes={"skills": "收银", "difficulty_categories": ["disabled"], "certificates": ["x"]},
    )

    seeker.refresh_from_db()
    assert seeker.skills == "收银"
    assert list(seeker.difficulty_categories) == []
    assert list(seeker.certificates) == []


def test_the_profile_page_offers_exactly_the_self_service_fields() -> None:
    from portal.online.forms import SeekerProfileForm

    assert set(SeekerProfileForm.base_fields) | {"home_county"} == set(SEEKER_SELF_SERVICE_FIELDS)


def test_an_employer_resubmits_fills_and_withdraws_only_their_own_postings(
    officer: User, employer: Applicant, nanning_market: Market
) -> None:
    posting = online_posting_submit(applicant=employer, market=nanning_market, data=_posting_data())
    assert posting.case is not None
    case_claim(actor=officer, case=posting.case)
    item = ChecklistItem.objects.filter(kind="posting_review", is_active=True).first()
    assert item is not None
    posting_return_for_correction(actor=officer, posting=posting, items=[item])
    stranger = online_employer_register(
        mobile="13911113333", market=nanning_market, name="覃雇主", id_number=ID_NUMBERS[1]
    )

    with pytest.raises(Http404):
        online_posting_resubmit(applicant=stranger, posting=posting, data={"address": "别处"})
    with pytest.raises(Http404):
        online_posting_withdraw(applicant=stranger, posting=posting, reason="x")
    resubmitted = online_posting_resubmit(
        applicant=employer, posting=posting, data={"address": "南宁市青秀区民族大道 200 号"}
    )
    posting_publish(actor=officer, posting=resubmitted)
    filled = online_posting_fill(applicant=employer, posting=posting)

    assert resubmitted.address == "南宁市青秀区民族大道 200 号"
    assert filled.status == Status.FILLED
    assert Case.objects.get(pk=posting.case_id).state == State.CLOSED
    desk = online_desk(market=nanning_market)
    assert AuditEvent.objects.get(action="posting.resubmitted").actor == desk
    assert AuditEvent.objects.get(action="posting.filled").actor == desk


def test_an_employer_person_registers_by_id_number(nanning_market: Market) -> None:
    person = online_employer_register(
        mobile=MOBILE, market=nanning_market, name="覃雇主", id_number=ID_NUMBERS[1]
    )
    assert person.kind == Applicant.Kind.PERSON
    assert person.mobile == MOBILE


def test_an_employer_gives_a_credit_code_or_an_id_number_not_both(nanning_market: Market) -> None:
    with pytest.raises(ValidationError):
        online_employer_register(
            mobile=MOBILE,
            market=nanning_market,
            name="x",
            id_number=ID_NUMBERS[1],
            credit_code=CREDIT_CODE,
        )


def test_an_online_posting_waits_in_the_queue_on_the_online_time_limit(
    employer: Applicant, nanning_market: Market
) -> None:
    posting = online_posting_submit(applicant=employer, market=nanning_market, data=_posting_data())

    case = posting.case
    assert case is not None
    assert posting.status == Status.IN_REVIEW
    assert (case.channel, case.state, case.owner_id) == ("online", State.NEW, None)
    completion = Deadline.objects.get(subject_id=case.pk, target=Target.COMPLETION)
    acceptance = Deadline.objects.get(subject_id=case.pk, target=Target.ACCEPTANCE)
    assert completion.policy.channel == "online"
    assert acceptance.policy.channel == "online"
    assert acceptance.stopped_at is None  # nobody has claimed it yet


def test_mass_assignment_of_a_posting_is_ignored(
    employer: Applicant, nanning_market: Market
) -> None:
    data = {
        **_posting_data(),
        "status": "published",
        "screening_exceptions": ["x"],
        "screening_justification": "x",
    }
    posting = online_posting_submit(applicant=employer, market=nanning_market, data=data)
    assert posting.status == Status.IN_REVIEW
    assert posting.screening_exception_by is None


def test_the_employer_hands_in_the_notices_items_and_the_officer_publishes(
    employer: Applicant, officer: User, nanning_market: Market
) -> None:
    posting = online_posting_submit(applicant=employer, market=nanning_market, data=_posting_data())
    notice_item = posting_returned(officer, posting)
    assert posting.case is not None

    case = online_materials_hand_in(
        applicant=employer,
        case=posting.case,
        uploads={notice_item.pk: SimpleUploadedFile("licence.pdf", PDF, "application/pdf")},
    )

    assert case.state == State.IN_PROGRESS
    assert case.attachments.count() == 1
    notice_item.refresh_from_db()
    assert notice_item.received_at is not None
    posting_publish(actor=officer, posting=posting)
    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED


def test_another_applicants_case_is_404(employer: Applicant, nanning_market: Market) -> None:
    posting = online_posting_submit(applicant=employer, market=nanning_market, data=_posting_data())
    other = online_employer_register(
        mobile="13922223333", market=nanning_market, name="覃雇主", id_number=ID_NUMBERS[1]
    )
    assert posting.case is not None
    with pytest.raises(Http404):
        online_case_withdraw(applicant=other, case=posting.case, reason="不要了")
    with pytest.raises(Http404):
        online_materials_hand_in(applicant=other, case=posting.case, uploads={})
    posting.refresh_from_db()
    assert posting.status == Status.IN_REVIEW


def test_the_employer_withdraws_their_posting_with_its_case(
    employer: Applicant, nanning_market: Market
) -> None:
    posting = online_posting_submit(applicant=employer, market=nanning_market, data=_posting_data())
    assert posting.case is not None

    case = online_case_withdraw(applicant=employer, case=posting.case, reason="已招满")

    posting.refresh_from_db()
    assert posting.status == Status.WITHDRAWN
    assert case.state == State.WITHDRAWN
