"""Intake (受理): find or register the applicant and open the case, all or nothing.

The engine's part of every channel's intake (the counter pages, the API, the online pages):

- ``applicant_person_find_for_intake`` / ``applicant_organisation_find_for_intake`` find the
  applicant by a number (ID number, credit code) or register it
  (``applicant_person_find_or_register`` / ``applicant_organisation_find_or_register``). A known
  applicant is used unchanged; a name typed that disagrees with the record is refused with
  ``IntakeRefused`` (code ``name_conflict``, the registered name in ``registered_names``)
  unless ``use_registered_name``; the mobile given is the new case's contact mobile
  (``ApplicantFound.contact_mobile``).
- ``case_intake``: the generic kinds (those without a record of their own): the applicant and
  the case in one transaction.
- ``IntakeErrors`` collects every problem of one intake so that the applicant sees them all at
  once; each workflow's intake service (``posting_take_in``, ``complaint_take_in`` …) uses it.

The intake services are atomic but not ``durable``: a page's one-time form token
(``backoffice/once.py``, issue 13) is written in the same transaction as what the intake makes,
so that a form sent twice makes one case; the page's transaction is then the outermost one.
Called alone (the API, a task, the shell), an intake is its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from markets.models import Market, ServiceStation

from .models import Case
from .services import (
    ApplicantFound,
    applicant_organisation_find_or_register,
    applicant_person_find_or_register,
    case_open,
)

NAME_CONFLICT = "name_conflict"


class IntakeRefused(ValidationError):
    """Intake refused: messages per field (``error_dict``), as any ValidationError.

    ``registered_names`` maps each field whose name disagreed with the record to the name on
    record, so that a caller can offer to go on with it (``use_registered_name``)."""

    def __init__(
        self,
        errors: Mapping[str, list[ValidationError]],
        *,
        registered_names: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(dict(errors))
        self.registered_names: dict[str, str] = dict(registered_names or {})

    @property
    def name_conflict(self) -> bool:
        return bool(self.registered_names)


def name_conflict_error(found: ApplicantFound, *, field: str = "name") -> IntakeRefused:
    """The name typed differs from the one on record for that number: shown, never written."""
    message = ValidationError(
        _(
            "This number is registered as “%(registered)s”, not “%(given)s”. Intake does "
            "not change a name: tick “Use the name on record” to go on with "
            "“%(registered)s”, or check the number. A name that really changed is "
            "corrected on the applicant's page, with a reason."
        ),
        code=NAME_CONFLICT,
        params={"registered": found.applicant.name, "given": found.name_given},
    )
    return IntakeRefused({field: [message]}, registered_names={field: found.applicant.name})


def name_conflict_check(
    found: ApplicantFound, *, use_registered_name: bool, field: str = "name"
) -> ApplicantFound:
    """``found``, unless the name typed disagrees with the record and the caller has not
    chosen to go on with the name on record: then the conflict, on ``field``."""
    if found.name_conflict and not use_registered_name:
        raise name_conflict_error(found, field=field)
    return found


class IntakeErrors:
    """Every problem of one intake, collected so that they are reported together.

    ``with errors.collect(fields):`` catches a ValidationError and keeps its messages, renamed
    by ``fields`` (the service's field name → the intake's); ``errors.raise_any()`` raises them
    all as one ``IntakeRefused`` (when there are any), ``errors.refuse()`` raises it."""

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}
        self.registered_names: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(ValidationError(message))

    @contextmanager
    def collect(self, fields: Mapping[str, str] | None = None) -> Iterator[None]:
        names = fields or {}
        try:
            yield
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                self.errors.setdefault("__all__", []).extend(error.error_list)
                return
            for field, items in error.error_dict.items():
                self.errors.setdefault(names.get(field, field), []).extend(items)
            for field, name in getattr(error, "registered_names", {}).items():
                self.registered_names[names.get(field, field)] = name

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_any(self) -> None:
        if self.errors:
            self.refuse()

    def refuse(self) -> NoReturn:
        raise IntakeRefused(self.errors, registered_names=self.registered_names)


def applicant_person_find_for_intake(
    *,
    actor: User,
    market: Market,
    name: str,
    id_number: str,
    mobile: str,
    use_registered_name: bool,
) -> ApplicantFound:
    """The person with this ID number (known: unchanged) as intake at ``market`` uses it.
    Raises ``IntakeRefused`` on a name conflict, ValidationError per field on bad input."""
    found = applicant_person_find_or_register(
        actor=actor, name=name, id_number=id_number, mobile=mobile, market=market
    )
    return name_conflict_check(found, use_registered_name=use_registered_name)


def applicant_organisation_find_for_intake(
    *,
    actor: User,
    market: Market,
    name: str,
    credit_code: str,
    mobile: str = "",
    use_registered_name: bool,
) -> ApplicantFound:
    """The organisation with this credit code (known: unchanged) as intake at ``market`` uses
    it. Raises as ``applicant_person_find_for_intake``."""
    found = applicant_organisation_find_or_register(
        actor=actor, name=name, credit_code=credit_code, mobile=mobile, market=market
    )
    return name_conflict_check(found, use_registered_name=use_registered_name)


@dataclass(frozen=True)
class ApplicantGiven:
    """An applicant as the intake gives it: a person by ID number or an organisation by unified
    social credit code (exactly one of the two), with a name and a mobile."""

    name: str
    id_number: str = ""
    credit_code: str = ""
    mobile: str = ""


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
    """Intake of a generic kind: find or register the person and open the case, in one
    transaction: a case that cannot be opened leaves no applicant record behind.

    A known ID number gives the known applicant, unchanged: a different name is refused as a
    conflict (``IntakeRefused``, code ``name_conflict`` on ``name``) unless
    ``use_registered_name``; a different mobile becomes this case's contact mobile only.
    Raises what the services raise (ValidationError per field, PermissionDenied)."""
    found = applicant_person_find_for_intake(
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
