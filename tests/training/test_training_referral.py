"""Training referral (培训推荐, standard art. 21): providers and programmes kept by the team
lead, a referral as a case (referred → enrolled → completed / dropped) with its audit events
and its SLA deadline, refusals of full, ended and unpublished programmes, training wishes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from training_support import (
    COOK,
    PROVIDER_CODE,
    TODAY,
    WAITER,
    actions_of,
    other_market_officer_make,
    programme_make,
    provider_make,
    regions_make,
    seeker_make,
)

from accounts.models import User
from cases.models import State
from cases.services import CaseActionError
from markets.models import Market
from sla.models import Deadline
from workflows.postings.models import Occupation
from workflows.seekers.models import SeekerProfile
from workflows.training.models import (
    Programme,
    Provider,
    ReferralState,
    TrainingReferral,
    TrainingWish,
)
from workflows.training.services import (
    programme_save,
    provider_save,
    training_referral_complete,
    training_referral_drop,
    training_referral_enrol,
    training_referral_open,
    training_wish_record,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setting(frozen_time: time_machine.Traveller) -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def seeker(officer: User, nanning_market: Market) -> SeekerProfile:
    regions_make()
    return seeker_make(officer, nanning_market)


@pytest.fixture
def programme(nanning_market: Market, seeker: SeekerProfile) -> Programme:
    return programme_make(provider_make(nanning_market), nanning_market)


def _refer(
    officer: User, market: Market, seeker: SeekerProfile, programme: Programme
) -> TrainingReferral:
    return training_referral_open(
        actor=officer, market=market, seeker=seeker, programme=programme, channel="counter"
    )


# --- Providers and programmes -----------------------------------------------------------------


def test_team_lead_creates_provider_and_programme(
    team_lead: User, nanning_market: Market, seeker: SeekerProfile
) -> None:
    provider = provider_save(
        actor=team_lead,
        market=nanning_market,
        data={
            "name": " 南宁市烹饪职业培训学校 ",
            "credit_code": PROVIDER_CODE.lower(),
            "address": "南宁市青秀区竹溪大道 1 号",
            "phone": "0771-5551234",
            "is_active": True,
        },
    )
    assert provider.name == "南宁市烹饪职业培训学校"
    assert provider.credit_code == PROVIDER_CODE
    assert list(provider.markets.all()) == [nanning_market]
    programme = programme_save(
        actor=team_lead,
        market=nanning_market,
        data={
            "provider": provider,
            "title": "中式烹调师周末班",
            "occupation": Occupation.objects.get(code=COOK),
            "schedule_kind": "weekends",
            "schedule_text": "周六、周日 09:00–17:00",
            "place": "竹溪大道 1 号",
            "cost": Decimal("1200"),
            "subsidy": Decimal("1000"),
            "capacity": 20,
            "starts_on": TODAY,
            "ends_on": TODAY + timedelta(days=30),
            "is_published": True,
        },
    )
    assert programme.market == nanning_market
    assert programme.history.get().history_user == team_lead
    assert actions_of(nanning_market) == ["training.provider_saved", "training.programme_saved"]


def test_programme_bad_input_is_refused_field_by_field(
    team_lead: User, nanning_market: Market, programme: Programme
) -> None:
    with pytest.raises(ValidationError) as refused:
        programme_save(
            actor=team_lead,
            market=nanning_market,
            data={
                "provider": None,
                "title": "",
                "occupation": None,
                "schedule_kind": "nights",
                "schedule_text": "x",
                "place": "x",
                "cost": Decimal("100"),
                "subsidy": Decimal("200"),
                "capacity": 0,
                "starts_on": TODAY,
                "ends_on": TODAY - timedelta(days=1),
            },
        )
    assert set(refused.value.message_dict) == {
        "provider",
        "title",
        "occupation",
        "schedule_kind",
        "subsidy",
        "capacity",
        "ends_on",
    }
    assert Programme.objects.count() == 1


def test_provider_bad_credit_code_and_phone_are_refused(
    team_lead: User, nanning_market: Market
) -> None:
    with pytest.raises(ValidationError) as refused:
        provider_save(
            actor=team_lead,
            market=nanning_market,
            data={"name": "x", "credit_code": "91450100MA5K3D8Q0X", "address": "x", "phone": "123"},
        )
    assert set(refused.value.message_dict) == {"credit_code", "phone"}
    assert not Provider.objects.exists()


def test_officer_may_not_keep_programmes(officer: User, nanning_market: Market) -> None:
    with pytest.raises(PermissionDenied):
        provider_save(actor=officer, market=nanning_market, data={})


# --- Referral: the whole flow -----------------------------------------------------------------


def test_referral_flow_to_completion_resolves_the_case(
    officer: User,
    nanning_market: Market,
    seeker: SeekerProfile,
    programme: Programme,
    frozen_time: time_machine.Traveller,
) -> None:
    referral = _refer(officer, nanning_market, seeker, programme)
    case = referral.case
    assert case.kind == "training_referral"
    assert case.state == State.IN_PROGRESS
    assert case.applicant == seeker.applicant
    assert case.first_contact_officer == officer
    assert referral.state == ReferralState.REFERRED

    acceptance = Deadline.objects.get(subject_id=case.pk, target="acceptance")
    assert acceptance.stopped_at is not None
    completion = Deadline.objects.get(subject_id=case.pk, target="completion")
    # 20 working days of working time from Monday 2 March 2026, 09:00: Monday 30 March.
    assert timezone.localtime(completion.due_at).date().isoformat() == "2026-03-30"
    assert completion.stopped_at is None

    referral = training_referral_enrol(actor=officer, referral=referral, note="已缴费报名")
    assert referral.state == ReferralState.ENROLLED
    assert referral.enrolled_at is not None
    frozen_time.shift(timedelta(days=14))
    referral = training_referral_complete(actor=officer, referral=referral)
    assert referral.state == ReferralState.COMPLETED
    case.refresh_from_db()
    assert case.state == State.RESOLVED
    assert "Completed the programme" in case.outcome
    completion.refresh_from_db()
    assert completion.stopped_at is not None
    assert completion.met is True
    assert actions_of(nanning_market) == [
        "training.referred",
        "training.enrolled",
        "training.completed",
    ]
    assert referral.history.count() == 3


def test_drop_needs_a_reason_and_resolves_with_it(
    officer: User, nanning_market: Market, seeker: SeekerProfile, programme: Programme
) -> None:
    referral = _refer(officer, nanning_market, seeker, programme)
    with pytest.raises(ValidationError) as refused:
        training_referral_drop(actor=officer, referral=referral, reason=" ")
    assert "reason" in refused.value.message_dict
    referral = training_referral_drop(actor=officer, referral=referral, reason="找到工作，未报到")
    assert referral.state == ReferralState.DROPPED
    referral.case.refresh_from_db()
    assert referral.case.state == State.RESOLVED
    assert "找到工作，未报到" in referral.case.outcome
    assert actions_of(nanning_market) == ["training.referred", "training.dropped"]


def test_steps_go_forward_only(
    officer: User, nanning_market: Market, seeker: SeekerProfile, programme: Programme
) -> None:
    referral = _refer(officer, nanning_market, seeker, programme)
    with pytest.raises(CaseActionError, match="cannot become"):
        training_referral_complete(actor=officer, referral=referral)
    training_referral_drop(actor=officer, referral=referral, reason="未报到")
    with pytest.raises(CaseActionError):
        training_referral_enrol(actor=officer, referral=referral)


def test_full_programme_is_refused_with_a_clear_message(
    officer: User, nanning_market: Market, seeker: SeekerProfile, programme: Programme
) -> None:
    others = [seeker_make(officer, nanning_market, number=n) for n in (1, 2)]
    enrolled = _refer(officer, nanning_market, others[0], programme)
    training_referral_enrol(actor=officer, referral=enrolled)
    _refer(officer, nanning_market, others[1], programme)  # referred and waiting
    with pytest.raises(ValidationError) as refused:
        _refer(officer, nanning_market, seeker, programme)
    assert refused.value.message_dict["programme"] == [
        "The programme “餐厅服务员晚间班” is full: all 2 places are taken by enrolled or "
        "referred seekers."
    ]
    # A drop frees the place.
    training_referral_drop(actor=officer, referral=enrolled, reason="退学")
    assert _refer(officer, nanning_market, seeker, programme).state == ReferralState.REFERRED


def test_finished_and_unpublished_programmes_are_refused(
    officer: User, nanning_market: Market, seeker: SeekerProfile, programme: Programme
) -> None:
    ended = programme_make(
        programme.provider,
        nanning_market,
        starts_on=TODAY - timedelta(days=20),
        ends_on=TODAY - timedelta(days=1),
        title="已结束班",
    )
    hidden = programme_make(programme.provider, nanning_market, is_published=False, title="草稿")
    with pytest.raises(ValidationError) as refused:
        _refer(officer, nanning_market, seeker, ended)
    assert refused.value.message_dict["programme"] == [
        "The programme “已结束班” ended on 2026-03-01."
    ]
    with pytest.raises(ValidationError) as refused:
        _refer(officer, nanning_market, seeker, hidden)
    assert refused.value.message_dict["programme"] == ["The programme “草稿” is not published."]
    assert actions_of(nanning_market) == []


def test_same_seeker_twice_and_bad_channel_are_refused(
    officer: User, nanning_market: Market, seeker: SeekerProfile, programme: Programme
) -> None:
    with pytest.raises(ValidationError) as refused:
        training_referral_open(
            actor=officer, market=nanning_market, seeker=seeker, programme=programme, channel="x"
        )
    assert "channel" in refused.value.message_dict
    _refer(officer, nanning_market, seeker, programme)
    with pytest.raises(ValidationError, match="already referred"):
        _refer(officer, nanning_market, seeker, programme)


def test_officer_of_another_market_may_not_refer_or_step(
    officer: User, nanning_market: Market, seeker: SeekerProfile, programme: Programme
) -> None:
    stranger, liuzhou = other_market_officer_make()
    with pytest.raises(PermissionDenied):
        _refer(stranger, nanning_market, seeker, programme)
    with pytest.raises(ValidationError, match="another market"):
        _refer(stranger, liuzhou, seeker, programme)
    referral = _refer(officer, nanning_market, seeker, programme)
    with pytest.raises(PermissionDenied):
        training_referral_enrol(actor=stranger, referral=referral)


# --- Training wishes --------------------------------------------------------------------------


def test_training_wish_is_recorded_with_its_event(
    officer: User, nanning_market: Market, seeker: SeekerProfile
) -> None:
    wish = training_wish_record(
        actor=officer, seeker=seeker, occupation=Occupation.objects.get(code=COOK), note="想学厨"
    )
    assert wish.market == nanning_market
    assert wish.officer == officer
    assert actions_of(nanning_market) == ["training.wish_recorded"]
    with pytest.raises(ValidationError):
        training_wish_record(
            actor=officer,
            seeker=seeker,
            occupation=Occupation.objects.get(code=WAITER),
            note="x" * 2001,
        )
    assert TrainingWish.objects.count() == 1
