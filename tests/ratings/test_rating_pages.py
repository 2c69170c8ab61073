"""Each place where the applicant rates, end to end through HTTP (好差评): the counter tablet,
the kiosk (reference and mobile digits, rate limited), the link of the completion text message
(valid once; reused, tampered with or expired refused with a clear page and nothing changed),
the online pages; and the team lead's rectification page with the return visit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from conftest import TOTP_KEYS, MarketFactory, UserFactory, add_totp_device, case_make
from django.test import Client
from django.utils import translation
from online_support import last_code_sent_to
from ratings_support import resolved_case

from audit.models import AuditEvent
from cases.models import Case, State
from markets.models import Membership, Role
from notifications.models import OutboxMessage
from portal.throttle import FAILURE_LIMIT
from workflows.ratings.models import Rating, RatingLink, Rectification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

MOBILE = "13800138000"  # the applicant of case_make
ALL_LEVELS = [
    "very_satisfied",
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
    "very_dissatisfied",
]


def _zh(message: str) -> str:
    """``message`` as the Chinese pages show it."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def _levels_shown(html: str) -> list[str]:
    return re.findall(r'name="level" value="([a-z_]+)"', html)


# --- The counter tablet -------------------------------------------------------------------------


def test_the_counter_tablet_shows_the_five_levels_and_records_the_applicants_tap(
    officer, verified_client
):
    case = resolved_case(officer)
    client = verified_client(officer)
    page = client.get(f"/ratings/cases/{case.pk}/tablet/")
    assert page.status_code == 200
    html = page.content.decode()
    assert _levels_shown(html) == ALL_LEVELS
    assert 'name="comment"' in html
    assert "backoffice-nav" not in html and "search" not in html.lower().split("<main")[0]
    response = client.post(
        f"/ratings/cases/{case.pk}/tablet/", {"level": "very_satisfied", "comment": "办得快"}
    )
    assert response.status_code == 200
    rating = Rating.objects.get(case=case)
    assert (rating.level, rating.comment, rating.channel) == (
        "very_satisfied",
        "办得快",
        "counter_tablet",
    )
    assert AuditEvent.objects.get(action="rating.recorded").actor == officer
    # A second tap is refused: the page says so and the rating stands.
    again = client.post(f"/ratings/cases/{case.pk}/tablet/", {"level": "dissatisfied"})
    assert again.status_code == 200
    assert Rating.objects.get().level == "very_satisfied"


def test_the_counter_tablet_of_a_case_in_progress_offers_no_buttons(officer, verified_client):
    case = case_make(officer)
    client = verified_client(officer)
    page = client.get(f"/ratings/cases/{case.pk}/tablet/")
    assert page.status_code == 200 and _levels_shown(page.content.decode()) == []
    client.post(f"/ratings/cases/{case.pk}/tablet/", {"level": "satisfied"})
    assert not Rating.objects.exists()


def test_the_counter_tablet_is_for_staff_working_on_the_case(
    officer, inspector, verified_client, guangxi, liuzhou
):
    case = resolved_case(officer)
    assert verified_client(inspector).get(f"/ratings/cases/{case.pk}/tablet/").status_code == 403
    other = UserFactory.create(username="liuzhou-officer")
    Membership.objects.create(
        user=other, role=Role.OFFICER, market=MarketFactory.create(region=liuzhou)
    )
    add_totp_device(other, TOTP_KEYS[Role.OFFICER])
    assert verified_client(other).get(f"/ratings/cases/{case.pk}/tablet/").status_code == 404
    assert Client().get(f"/ratings/cases/{case.pk}/tablet/").status_code == 302


# --- The kiosk ----------------------------------------------------------------------------------


def _kiosk(case: Case, digits: str = "8000", level: str = "satisfied") -> dict[str, str]:
    return {"reference": case.reference, "mobile_last_four": digits, "level": level}


def test_the_kiosk_rates_a_case_with_its_reference_and_mobile_digits(officer, nanning_market):
    case = resolved_case(officer)
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/portal/{nanning_market.pk}/kiosk/rate/")
    assert page.status_code == 200 and _levels_shown(page.content.decode()) == ALL_LEVELS
    token = page.cookies["csrftoken"].value
    response = client.post(
        f"/portal/{nanning_market.pk}/kiosk/rate/",
        {**_kiosk(case, level="basically_satisfied"), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200 and response.context["outcome"] == "rated"
    rating = Rating.objects.get(case=case)
    assert (rating.level, rating.channel, rating.officer) == (
        "basically_satisfied",
        "kiosk",
        officer,
    )
    event = AuditEvent.objects.get(action="rating.recorded")
    assert event.actor is None and event.new_values["channel"] == "kiosk"


def test_the_kiosk_refuses_without_csrf(officer, nanning_market):
    case = resolved_case(officer)
    response = Client(enforce_csrf_checks=True).post(
        f"/portal/{nanning_market.pk}/kiosk/rate/", _kiosk(case)
    )
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_the_kiosk_answers_wrong_digits_neutrally_and_locks_after_the_limit(
    officer, nanning_market
):
    case = resolved_case(officer)
    client = Client()
    url = f"/portal/{nanning_market.pk}/kiosk/rate/"
    for _n in range(FAILURE_LIMIT):
        response = client.post(url, _kiosk(case, digits="1234"))
        assert response.status_code == 200 and response.context["outcome"] == "not_found"
    blocked = client.post(url, _kiosk(case))  # right digits, but the terminal is locked
    assert blocked.status_code == 429 and blocked["Retry-After"]
    assert not Rating.objects.exists()


def test_the_kiosk_says_a_case_is_rated_already_and_changes_nothing(officer, nanning_market):
    case = resolved_case(officer)
    url = f"/portal/{nanning_market.pk}/kiosk/rate/"
    Client().post(url, _kiosk(case, level="satisfied"))
    response = Client().post(url, _kiosk(case, level="very_dissatisfied"))
    assert response.context["refused"] == _zh(
        "Case %(reference)s has been rated already: each case is rated once."
    ) % {"reference": case.reference}
    assert list(Rating.objects.values_list("level", flat=True)) == ["satisfied"]
    assert not Rectification.objects.exists()


def test_the_kiosk_refuses_a_case_not_yet_completed(officer, nanning_market):
    case = case_make(officer)
    response = Client().post(f"/portal/{nanning_market.pk}/kiosk/rate/", _kiosk(case))
    assert case.reference in response.context["refused"]
    assert response.context["refused"] == _zh(
        "Case %(reference)s is not completed yet: it can be rated once it is resolved."
    ) % {"reference": case.reference}
    assert not Rating.objects.exists()


def test_a_bad_level_at_the_kiosk_is_shown_on_the_form(officer, nanning_market):
    case = resolved_case(officer)
    response = Client().post(
        f"/portal/{nanning_market.pk}/kiosk/rate/", _kiosk(case, level="great")
    )
    assert response.status_code == 200 and response.context["form"].errors["level"]
    assert not Rating.objects.exists()


# --- The link of the completion text message ------------------------------------------------------


def _link_path(case: Case) -> str:
    message = OutboxMessage.objects.filter(to=f"case-contact:{case.pk}").order_by("-pk").first()
    assert message is not None
    found = re.search(r"(/portal/rate/[^/\s]+/)", message.body)
    assert found is not None, message.body
    return found.group(1)


def test_the_completion_message_carries_a_link_that_rates_once(officer):
    case = resolved_case(officer)
    path = _link_path(case)
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert case.reference in html and _levels_shown(html) == ALL_LEVELS
    token = page.cookies["csrftoken"].value
    rated = client.post(path, {"level": "satisfied", "comment": "好", "csrfmiddlewaretoken": token})
    assert rated.status_code == 200 and rated.context["outcome"] == "rated"
    rating = Rating.objects.get(case=case)
    assert (rating.level, rating.channel) == ("satisfied", "sms_link")
    assert RatingLink.objects.get(case=case).used_at == rating.rated_at

    # Reused: refused with a page that says so; nothing changes.
    reused = Client().get(path)
    assert reused.status_code == 410 and reused.context["reason"] == "used"
    again = Client().post(path, {"level": "very_dissatisfied"})
    assert again.status_code == 410
    assert list(Rating.objects.values_list("level", flat=True)) == ["satisfied"]
    assert not Rectification.objects.exists()
    assert AuditEvent.objects.filter(action="rating.link_refused").count() == 2


def test_a_tampered_link_is_refused_and_nothing_changes(officer):
    case = resolved_case(officer)
    path = _link_path(case)
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "not-a-token", token.replace(":", ".", 1)):
        response = Client().post(f"/portal/rate/{bad}/", {"level": "very_dissatisfied"})
        assert response.status_code == 400
        assert response.context["reason"] == "tampered"
    assert not Rating.objects.exists()
    assert RatingLink.objects.get(case=case).used_at is None
    [event] = AuditEvent.objects.filter(action="rating.link_refused")[:1]
    assert event.new_values == {"reason": "tampered"} and event.success is False


def test_an_expired_link_is_refused_and_nothing_changes(officer, frozen_time, settings):
    case = resolved_case(officer)
    path = _link_path(case)
    frozen_time.shift(timedelta(days=settings.LGSC_RATING_LINK_DAYS, seconds=1))
    response = Client().post(path, {"level": "satisfied"})
    assert response.status_code == 400 and response.context["reason"] == "expired"
    assert (
        _zh(
            "This rating link has expired. You can still rate the service at the market's "
            "kiosk with your reference number."
        )
        in response.content.decode()
    )
    assert not Rating.objects.exists()


def test_a_link_of_a_case_rated_at_the_kiosk_meanwhile_rates_nothing(officer, nanning_market):
    case = resolved_case(officer)
    path = _link_path(case)
    Client().post(f"/portal/{nanning_market.pk}/kiosk/rate/", _kiosk(case, level="satisfied"))
    response = Client().post(path, {"level": "very_dissatisfied"})
    assert response.status_code == 409
    assert list(Rating.objects.values_list("level", flat=True)) == ["satisfied"]
    assert RatingLink.objects.get(case=case).used_at is None


def test_a_rectification_is_resolved_without_a_rating_link(officer, team_lead, nanning_market):
    case = resolved_case(officer)
    Client().post(f"/portal/{nanning_market.pk}/kiosk/rate/", _kiosk(case, level="dissatisfied"))
    fix = Rectification.objects.get().case
    from datetime import date

    from workflows.ratings.services import rectification_close, rectification_visit_record

    rectification = fix.rectification
    rectification_visit_record(
        actor=team_lead, rectification=rectification, visited_on=date(2026, 3, 2), outcome="已回访"
    )
    rectification_close(actor=team_lead, rectification=rectification, outcome="已整改")
    message = OutboxMessage.objects.filter(to=f"case-contact:{fix.pk}").order_by("-pk").first()
    assert message is not None
    body = message.body
    assert "/portal/rate/" not in body and fix.reference in body
    assert RatingLink.objects.filter(case=fix).count() == 0


# --- Online -------------------------------------------------------------------------------------


def _signed_in(mobile: str = MOBILE) -> Client:
    client = Client()
    client.post("/portal/online/", {"mobile": mobile})
    client.post("/portal/online/code/", {"code": last_code_sent_to(mobile)})
    return client


def test_an_applicant_signed_in_rates_their_resolved_case_online(officer):
    case = resolved_case(officer)
    open_case = case_make(officer, applicant=case.applicant, subject="另一项咨询")
    client = _signed_in()
    home = client.get("/portal/online/home/").content.decode()
    assert f"/portal/online/cases/{case.pk}/rate/" in home
    assert f"/portal/online/cases/{open_case.pk}/rate/" not in home
    page = client.get(f"/portal/online/cases/{case.pk}/rate/")
    assert page.status_code == 200 and _levels_shown(page.content.decode()) == ALL_LEVELS
    response = client.post(f"/portal/online/cases/{case.pk}/rate/", {"level": "very_dissatisfied"})
    assert response.status_code == 302
    rating = Rating.objects.get(case=case)
    assert (rating.level, rating.channel) == ("very_dissatisfied", "online")
    assert Rectification.objects.filter(rating=rating).exists()
    home = client.get("/portal/online/home/").content.decode()
    assert f"/portal/online/cases/{case.pk}/rate/" not in home
    # Not completed: sent back to the case, nothing recorded.
    client.post(f"/portal/online/cases/{open_case.pk}/rate/", {"level": "satisfied"})
    assert not Rating.objects.filter(case=open_case).exists()


def test_another_applicants_case_is_not_found_online(officer):
    from conftest import ID_NUMBERS

    from cases.services import applicant_person_register

    case = resolved_case(officer)
    applicant_person_register(
        actor=officer, name="李四", id_number=ID_NUMBERS[1], mobile="13911110000"
    )
    client = _signed_in("13911110000")
    assert client.get(f"/portal/online/cases/{case.pk}/rate/").status_code == 404
    assert Client().get(f"/portal/online/cases/{case.pk}/rate/").status_code == 302


# --- The rectification page ---------------------------------------------------------------------


def test_the_team_lead_records_the_return_visit_and_closes_the_rectification(
    officer, team_lead, inspector, verified_client, nanning_market
):
    case = resolved_case(officer)
    Client().post(f"/portal/{nanning_market.pk}/kiosk/rate/", _kiosk(case, level="dissatisfied"))
    fix = Rectification.objects.get().case
    lead = verified_client(team_lead)
    page = lead.get(f"/ratings/rectifications/{fix.pk}/")
    assert page.status_code == 200 and case.reference in page.content.decode()
    # Closing before the visit is refused.
    lead.post(f"/ratings/rectifications/{fix.pk}/close/", {"outcome": "已整改"})
    assert Case.objects.get(pk=fix.pk).state == State.IN_PROGRESS
    # The officer rated may not record the visit.
    assert (
        verified_client(officer)
        .post(
            f"/ratings/rectifications/{fix.pk}/visit/", {"visited_on": "2026-03-02", "outcome": "x"}
        )
        .status_code
        == 403
    )
    # The inspector reads; the anonymous are sent to sign in.
    assert verified_client(inspector).get(f"/ratings/rectifications/{fix.pk}/").status_code == 200
    assert Client().get(f"/ratings/rectifications/{fix.pk}/").status_code == 302
    bad = lead.post(
        f"/ratings/rectifications/{fix.pk}/visit/", {"visited_on": "2026-03-09", "outcome": "x"}
    )
    assert bad.status_code == 400
    response = lead.post(
        f"/ratings/rectifications/{fix.pk}/visit/",
        {"visited_on": "2026-03-02", "outcome": "已致歉"},
    )
    assert response.status_code == 302
    response = lead.post(f"/ratings/rectifications/{fix.pk}/close/", {"outcome": "已整改"})
    assert response.status_code == 302
    assert Case.objects.get(pk=fix.pk).state == State.CLOSED
    assert AuditEvent.objects.filter(action="rectification.closed", actor=team_lead).exists()
    # The rated case's page is not a rectification.
    assert lead.get(f"/ratings/rectifications/{case.pk}/").status_code == 404


def test_the_case_pages_generic_resolve_cannot_skip_the_return_visit(
    officer, team_lead, verified_client, nanning_market
):
    case = resolved_case(officer)
    Client().post(f"/portal/{nanning_market.pk}/kiosk/rate/", _kiosk(case, level="dissatisfied"))
    fix = Rectification.objects.get().case
    lead = verified_client(team_lead)
    page = lead.get(f"/cases/{fix.pk}/").content.decode()
    assert f"/cases/{fix.pk}/resolve/" not in page
    assert f"/ratings/rectifications/{fix.pk}/" in page
    response = lead.post(f"/cases/{fix.pk}/resolve/", {"outcome": "直接办结"})
    assert response.status_code == 302
    assert Case.objects.get(pk=fix.pk).state == State.IN_PROGRESS
    assert not AuditEvent.objects.filter(action="case.resolved", target_id=str(fix.pk)).exists()


def test_the_kiosk_status_of_a_completed_case_offers_to_rate_it(officer, nanning_market):
    done, open_case = resolved_case(officer), case_make(officer, subject="另一项")
    url = f"/portal/{nanning_market.pk}/kiosk/status/"
    rate = f"/portal/{nanning_market.pk}/kiosk/rate/?reference={done.reference}"
    page = Client().post(url, {"reference": done.reference, "mobile_last_four": "8000"})
    assert rate in page.content.decode()
    page = Client().post(url, {"reference": open_case.reference, "mobile_last_four": "8000"})
    assert "/kiosk/rate/?reference=" not in page.content.decode()
    # The link fills the reference in; nothing is looked up.
    form = Client().get(rate).context["lookup"]
    assert form.initial == {"reference": done.reference}
