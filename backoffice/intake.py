"""Counter intake (窗口受理): find or register the applicant and open the case, all or
nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from cases.services import ApplicantFound, applicant_person_find_or_register, case_open
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
    found = applicant_person_find_or_register(
        actor=actor, name=name, id_number=id_number, mobile=mobile
    )
    if found.name_conflict and not use_registered_name:
        raise name_conflict_error(found)
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
