"""Staff training records (standard art. 28): recorded by team leads; seen by the person,
the market's team leads and the inspectors over the region."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from noticeboard_support import actions, liuzhou_market, staff_make

from markets.models import Role
from noticeboard.models import StaffTraining
from noticeboard.selectors import staff_training_list_visible_to
from noticeboard.services import staff_training_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def _record(actor, market, user, **changes):
    fields: dict[str, Any] = {
        "title": "首问负责制与一次性告知业务培训",
        "provider": "广西人力资源和社会保障厅培训中心",
        "date": date(2026, 2, 26),
        "hours": Decimal("6.0"),
        "certificate": "GX-2026-0226-015",
    }
    fields.update(changes)
    return staff_training_record(actor=actor, market=market, user=user, **fields)


def test_a_team_lead_records_a_training_with_its_trail(officer, team_lead, nanning_market):
    training = _record(team_lead, nanning_market, officer)
    assert training.recorded_by == team_lead
    assert actions(target_id=str(training.pk)) == ["staff_training.recorded"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"provider": ""}, "provider"),
        ({"hours": Decimal("0")}, "__all__"),
        ({"date": date(2026, 3, 9)}, "date"),
    ],
)
def test_bad_input_is_refused(officer, team_lead, nanning_market, changes, field) -> None:
    with pytest.raises(ValidationError) as error:
        _record(team_lead, nanning_market, officer, **changes)
    assert field in error.value.message_dict
    assert not StaffTraining.objects.exists()


def test_only_a_team_lead_records_and_only_for_their_market_staff(
    officer, team_lead, nanning_market
) -> None:
    with pytest.raises(PermissionDenied):
        _record(officer, nanning_market, officer)
    stranger = staff_make("stranger", Role.OFFICER, liuzhou_market())
    with pytest.raises(ValidationError) as error:
        _record(team_lead, nanning_market, stranger)
    assert "user" in error.value.message_dict


def test_visibility_per_role(officer, team_lead, inspector, nanning_market) -> None:
    colleague = staff_make("colleague", Role.OFFICER, nanning_market)
    own = _record(team_lead, nanning_market, officer)
    theirs = _record(team_lead, nanning_market, colleague)
    other_market = liuzhou_market()
    other_lead = staff_make("liuzhou_lead", Role.TEAM_LEAD, other_market)
    foreign = _record(other_lead, other_market, other_lead)

    assert set(staff_training_list_visible_to(user=officer)) == {own}
    assert set(staff_training_list_visible_to(user=team_lead)) == {own, theirs}
    assert set(staff_training_list_visible_to(user=inspector)) == {own, theirs, foreign}
    assert set(staff_training_list_visible_to(user=other_lead)) == {foreign}
