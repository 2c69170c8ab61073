"""Counter intake (窗口受理): find or register the applicant and open the case, all or
nothing.

Every intake page (cases, postings, complaints, start-up help, campaigns) finds the applicant
through ``person_find`` / ``organisation_find`` here: a known applicant is used unchanged, a
name that disagrees with the record is a conflict shown on the form (never written), and the
mobile typed is the new case's contact mobile (``ApplicantFound.contact_mobile``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from cases.services import (
    ApplicantFound,
    applicant_organisation_find_or_register,
    applicant_person_find_or_register,
    case_open,
)
from markets.models import Market, ServiceStation

NAME_CONFLICT = "name_conflict"


def name_conflict_error(found: ApplicantFound, *, field: str = "name") -> ValidationError:
    """The name typed differs from the one on record for that number: shown, never written."""
    return ValidationError(
        {
            field: ValidationError(
                _(
                    "This number is registered as “%(registered)s”, not “%(given)s”. Intake does "
                    "not change a name: tick “Use the name on record” to go on with "
                    "“%(registered)s”, or check the number. A name that really changed is "
                    "corrected on the applicant's page, with a reason."
                ),
                code=NAME_CONFLICT,
                params={"registered": found.applicant.name, "given": found.name_given},
            )
        }
    )


def name_conflict_check(
    found: ApplicantFound, *, use_registered_name: bool, field: str = "name"
) -> ApplicantFound:
    """``found``, unless the name typed disagrees with the record and the officer has not
    ticked "Use the name on record": then the conflict, on ``field``."""
    if found.name_conflict and not use_registered_name:
        raise name_conflict_error(found, field=field)
    return found


def person_find(
    *,
    actor: User,
    market: Market,
    name: str,
    id_number: str,
    mobile: str,
    use_registered_name: bool,
) -> ApplicantFound:
    """The person with this ID number (known: unchanged) as intake at ``market`` uses it."""
    found = applicant_person_find_or_register(
        actor=actor, name=name, id_number=id_number, mobile=mobile, market=market
    )
    return name_conflict_check(found, use_registered_name=use_registered_name)


def organisation_find(
    *,
    actor: User,
    market: Market,
    name: str,
    credit_code: str,
    mobile: str = "",
    use_registered_name: bool,
) -> ApplicantFound:
    """The organisation with this credit code (known: unchanged) as intake at ``market`` uses
    it."""
    found = applicant_organisation_find_or_register(
        actor=actor, name=name, credit_code=credit_code, mobile=mobile, market=market
    )
    return name_conflict_check(found, use_registered_name=use_registered_name)


def contact_mobile_message(request: HttpRequest, case: Case) -> None:
    """Say so when the mobile given is not the one on the applicant's record: the case is
    reached at the one given; the record is changed only on the applicant's page."""
    on_record = case.applicant.mobile
    if case.contact_mobile and on_record and case.contact_mobile != on_record:
        messages.info(
            request,
            _(
                "The mobile given (%(given)s) is not the one on record (%(record)s): this case "
                "will use %(given)s; the record is unchanged. Change it on the applicant's page "
                "if the applicant asks."
            )
            % {"given": case.contact_mobile_masked, "record": case.applicant.mobile_masked},
        )


@transaction.atomic
def case_intake(
    *,
    actor: User,
    market: Market,
    name: str,
    id_number: str,
    mobile: str,
    kind: str,
    channel: str,
    subject: str,
    description: str = "",
    station: ServiceStation | None = None,
    priority: str = Case.Priority.NORMAL,
    use_registered_name: bool = False,
) -> Case:
    """One transaction: a case that cannot be opened leaves no applicant record behind.

    A known ID number gives the known applicant, unchanged: a different name is refused as a
    conflict (``code="name_conflict"`` on ``name``) unless ``use_registered_name``; a different
    mobile becomes this case's contact mobile only. Raises what the services raise
    (ValidationError per field, PermissionDenied)."""
    found = person_find(
        actor=actor,
        market=market,
        name=name,
        id_number=id_number,
        mobile=mobile,
        use_registered_name=use_registered_name,
    )
    return case_open(
        actor=actor,
        market=market,
        kind=kind,
        channel=channel,
        applicant=found.applicant,
        subject=subject,
        description=description,
        station=station,
        priority=priority,
        contact_mobile=found.contact_mobile,
    )
