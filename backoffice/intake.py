"""Counter intake (窗口受理): register the applicant and open the case, all or nothing."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from cases.models import Case
from cases.services import applicant_person_register, case_open
from markets.models import Market, ServiceStation


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
) -> Case:
    """One transaction: a case that cannot be opened leaves no applicant record behind.
    Raises what the two services raise (ValidationError per field, PermissionDenied)."""
    applicant = applicant_person_register(
        actor=actor, name=name, id_number=id_number, mobile=mobile
    )
    return case_open(
        actor=actor,
        market=market,
        kind=kind,
        channel=channel,
        applicant=applicant,
        subject=subject,
        description=description,
        station=station,
        priority=priority,
    )
