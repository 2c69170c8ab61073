"""Applicants (persons and organisations): registered or found at intake, corrected later
as audited actions, their ID number revealed to those who may see it."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from markets.models import Market

from .. import events
from .. import permissions as can
from ..crypto import mobile_index, personal_data_index
from ..fsm import save_with_history
from ..identity import (
    mobile_mask,
    mobile_normalise,
    resident_id_mask,
    resident_id_parse,
    uscc_validate,
)
from ..models import (
    Applicant,
    Case,
    Industry,
    applicant_key,
)
from ..selectors import applicant_markets_served_by
from ..signals import records_bulk_created
from .base import (
    NAME_MAX,
    REASON_MAX,
    CaseActionError,
    text_clean,
)

# --- Applicants -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicantFound:
    """What intake found (or registered) for the name and number given.

    Intake never changes a known applicant: a name that differs from the one on record is a
    conflict to show (``name_conflict``), never written; a mobile that differs is this case's
    contact mobile (``contact_mobile``), not the applicant's. Changing either on the record is
    its own audited action (``applicant_change_name``, ``applicant_change_mobile``).
    """

    applicant: Applicant
    created: bool
    name_given: str
    mobile_given: str  # normalised; "" when none was given
    mobile_added: bool = False  # the record had no mobile: the one given was filled in

    @property
    def name_conflict(self) -> bool:
        return not self.created and _name_key(self.name_given) != _name_key(self.applicant.name)

    @property
    def mobile_differs(self) -> bool:
        return bool(self.mobile_given and self.applicant.mobile) and (
            self.mobile_given != self.applicant.mobile
        )

    @property
    def contact_mobile(self) -> str:
        """The mobile a case opened now is reached at: the one given, else the one on record."""
        return self.mobile_given or self.applicant.mobile or ""


def _name_key(name: str) -> str:
    """Names compared as a person reads them: full-width forms and spaces do not count."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def _mobile_given(mobile: str) -> str:
    try:
        return mobile_normalise(mobile) if mobile.strip() else ""
    except ValidationError as error:
        raise ValidationError({"mobile": error.messages}) from error


def _applicant_found(
    actor: User,
    market: Market | None,
    applicant: Applicant | None,
    new: Applicant,
    name: str,
    phone: str,
) -> ApplicantFound:
    """The known applicant unchanged, except that a mobile it lacks is filled in (no value is
    lost, and the change is audited on ``market``'s chain); else ``new``, saved."""
    if applicant is None:
        new.name = name
        if phone:
            new.mobile = phone
            new.mobile_masked = mobile_mask(phone)
            new.mobile_index = mobile_index(phone)
        save_with_history(new, actor)
        return ApplicantFound(applicant=new, created=True, name_given=name, mobile_given=phone)
    if phone and not applicant.mobile:
        applicant.mobile = phone
        applicant.mobile_masked = mobile_mask(phone)
        applicant.mobile_index = mobile_index(phone)
        save_with_history(
            applicant, actor, update_fields=["mobile", "mobile_masked", "mobile_index"]
        )
        events.applicant_mobile_changed_event(
            applicant,
            actor,
            market=market,
            old_masked="",
            reason=_("Given at intake; none was on record."),
        )
        return ApplicantFound(
            applicant=applicant,
            created=False,
            name_given=name,
            mobile_given=phone,
            mobile_added=True,
        )
    return ApplicantFound(applicant=applicant, created=False, name_given=name, mobile_given=phone)


def applicant_person_find_or_register(
    *, actor: User, name: str, id_number: str, mobile: str = "", market: Market | None = None
) -> ApplicantFound:
    """The person registered with this ID number, used unchanged, or a new registration.

    ``market`` is the one taking the request in: a mobile filled in on the record is audited on
    its chain (on the global one without a market).

    Atomic. Bad input is refused (ValidationError) before anything is read or written, so inside
    the caller's transaction it needs no savepoint of its own: the intakes collect the refusal
    and go on checking the rest."""
    name = text_clean(name, field="name", label=_("name"), max_length=NAME_MAX)
    try:
        resident = resident_id_parse(id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from error
    phone = _mobile_given(mobile)
    index = personal_data_index(resident.number)
    new = Applicant(
        kind=Applicant.Kind.PERSON,
        id_number_index=index,
        id_number=resident.number,
        id_number_masked=resident_id_mask(resident.number),
        gender=resident.gender,
        birth_date=resident.birth_date,
    )
    with transaction.atomic(savepoint=False):
        known = (
            Applicant.objects.select_for_update()
            .filter(applicant_key("id_number_index", index))
            .first()
        )
        return _applicant_found(actor, market, known, new, name, phone)


def applicant_organisation_find_or_register(
    *, actor: User, name: str, credit_code: str, mobile: str = "", market: Market | None = None
) -> ApplicantFound:
    """The organisation registered with this credit code, used unchanged (its name on earlier
    postings and cases stays as it is), or a new registration. ``market`` as for a person;
    atomic, refusing bad input before it reads, as for a person."""
    name = text_clean(name, field="name", label=_("name"), max_length=NAME_MAX)
    try:
        code = uscc_validate(credit_code)
    except ValidationError as error:
        raise ValidationError({"credit_code": error.messages}) from error
    phone = _mobile_given(mobile)
    new = Applicant(kind=Applicant.Kind.ORGANISATION, credit_code=code)
    with transaction.atomic(savepoint=False):
        known = (
            Applicant.objects.select_for_update().filter(applicant_key("credit_code", code)).first()
        )
        return _applicant_found(actor, market, known, new, name, phone)


@dataclass(frozen=True)
class OrganisationGiven:
    name: str
    credit_code: str
    mobile: str = ""


def applicant_organisations_find_or_register_many(
    *, actor: User, given: Sequence[OrganisationGiven], market: Market | None = None
) -> list[ApplicantFound | ValidationError]:
    """``applicant_organisation_find_or_register`` for many organisations at once, in the
    caller's transaction (bulk intake): the known ones read (and locked) in one query, the new
    ones registered together (history rows and search index as for one), an organisation given
    twice registered once (the later ones find it, as they would one by one). For each, in
    order, what was found or registered, or the ValidationError it was refused with."""
    results: list[ApplicantFound | ValidationError | None] = []
    checked: list[tuple[int, str, str, str]] = []  # position, name, code, phone
    for position, one in enumerate(given):
        try:
            name = text_clean(one.name, field="name", label=_("name"), max_length=NAME_MAX)
            try:
                code = uscc_validate(one.credit_code)
            except ValidationError as error:
                raise ValidationError({"credit_code": error.messages}) from error
            phone = _mobile_given(one.mobile)
        except ValidationError as error:
            results.append(error)
            continue
        results.append(None)
        checked.append((position, name, code, phone))
    codes = {code for _position, _name, code, _phone in checked}
    known = {
        applicant.credit_code: applicant
        for applicant in Applicant.objects.select_for_update().filter(
            Q(credit_code__in=codes) & ~Q(credit_code="")  # as applicant_key
        )
    }
    new: dict[str, Applicant] = {}
    later: list[tuple[int, str, str, str]] = []
    for position, name, code, phone in checked:
        if code in known:
            results[position] = _applicant_found(
                actor, market, known[code], Applicant(), name, phone
            )
        elif code in new:
            later.append((position, name, code, phone))
        else:
            applicant = Applicant(kind=Applicant.Kind.ORGANISATION, credit_code=code, name=name)
            if phone:
                applicant.mobile = phone
                applicant.mobile_masked = mobile_mask(phone)
                applicant.mobile_index = mobile_index(phone)
            new[code] = applicant
            results[position] = ApplicantFound(
                applicant=applicant, created=True, name_given=name, mobile_given=phone
            )
    if new:
        created = list(new.values())
        Applicant.objects.bulk_create(created, batch_size=500)
        Applicant.history.bulk_history_create(created, default_user=actor, batch_size=500)
        records_bulk_created.send(sender=Applicant, instances=created)
    for position, name, code, phone in later:
        results[position] = _applicant_found(actor, market, new[code], Applicant(), name, phone)
    return [result for result in results if result is not None]


def applicant_person_register(
    *, actor: User, name: str, id_number: str, mobile: str = "", market: Market | None = None
) -> Applicant:
    """Register a person, or find the one registered with that ID number (unchanged)."""
    return applicant_person_find_or_register(
        actor=actor, name=name, id_number=id_number, mobile=mobile, market=market
    ).applicant


def applicant_organisation_register(
    *, actor: User, name: str, credit_code: str, mobile: str = "", market: Market | None = None
) -> Applicant:
    """Register an organisation, or find the one registered with that credit code
    (unchanged)."""
    return applicant_organisation_find_or_register(
        actor=actor, name=name, credit_code=credit_code, mobile=mobile, market=market
    ).applicant


def _applicant_locked_for_change(actor: User, applicant: Applicant) -> tuple[Applicant, Market]:
    """The applicant, locked, and the market on whose behalf ``actor`` changes it: one they
    work in that serves the applicant (has a case of theirs). Anyone else: PermissionDenied."""
    markets = applicant_markets_served_by(user=actor, applicant=applicant)
    if not markets:
        raise PermissionDenied
    locked = Applicant.objects.select_for_update().get(pk=applicant.pk)
    return locked, Market.objects.get(pk=markets[0])


def _reason(reason: str) -> str:
    return text_clean(reason, field="reason", label=_("reason"), max_length=REASON_MAX)


@transaction.atomic
def applicant_change_name(
    *, actor: User, applicant: Applicant, name: str, reason: str
) -> Applicant:
    """Correct the name of a person or organisation (an employer's new name too) on the record,
    and so on every case and posting that shows it. Only staff of a market that serves the
    applicant; audited with the old and the new name and the reason."""
    applicant, market = _applicant_locked_for_change(actor, applicant)
    name = text_clean(name, field="name", label=_("name"), max_length=NAME_MAX)
    reason = _reason(reason)
    old = applicant.name
    if name == old:
        return applicant
    applicant.name = name
    save_with_history(applicant, actor, update_fields=["name"], reason=reason)
    events.applicant_renamed_event(applicant, actor, market=market, old_name=old, reason=reason)
    return applicant


@transaction.atomic
def applicant_change_mobile(
    *, actor: User, applicant: Applicant, mobile: str, reason: str
) -> Applicant:
    """Change the applicant's mobile on the record. Cases opened earlier keep the contact
    mobile they were opened with. Only staff of a market that serves the applicant; audited
    with the old and the new number (masked) and the reason."""
    applicant, market = _applicant_locked_for_change(actor, applicant)
    phone = _mobile_given(mobile)
    if not phone:
        raise ValidationError({"mobile": _("Enter the new mobile.")})
    reason = _reason(reason)
    if phone == applicant.mobile:
        return applicant
    old_masked = applicant.mobile_masked
    applicant.mobile = phone
    applicant.mobile_masked = mobile_mask(phone)
    applicant.mobile_index = mobile_index(phone)
    save_with_history(
        applicant,
        actor,
        update_fields=["mobile", "mobile_masked", "mobile_index"],
        reason=reason,
    )
    events.applicant_mobile_changed_event(
        applicant, actor, market=market, old_masked=old_masked, reason=reason
    )
    return applicant


@transaction.atomic
def applicant_change_industry(
    *, actor: User, applicant: Applicant, industry: Industry | None, reason: str
) -> Applicant:
    """Set or correct an employer's industry (所属行业, a 大类 of GB/T 4754-2017; None is
    unknown). Only staff of a market that serves the applicant; audited with the old and the
    new code and the reason. Postings taken in earlier keep the industry they were taken with."""
    applicant, market = _applicant_locked_for_change(actor, applicant)
    if industry is not None and industry.level != Industry.Level.DIVISION:
        raise ValidationError({"industry": _("Choose an industry division (大类).")})
    reason = _reason(reason)
    old = applicant.industry
    if (old.pk if old else None) == (industry.pk if industry else None):
        return applicant
    applicant.industry = industry
    save_with_history(applicant, actor, update_fields=["industry"], reason=reason)
    events.applicant_industry_changed_event(
        applicant,
        actor,
        market=market,
        old_code=old.code if old else "",
        reason=reason,
    )
    return applicant


@transaction.atomic
def applicant_id_number_reveal(*, actor: User, case: Case) -> str:
    """The whole ID number of the case's applicant, for the case's owner or a team lead of its
    market; every reveal is an audit event."""
    if not can.work_on(case, actor):
        raise PermissionDenied
    applicant = case.applicant
    if not applicant.id_number:
        raise CaseActionError(_("This applicant has no ID number on record."))
    events.personal_data_revealed_event(applicant, case, actor)
    number: str = applicant.id_number
    return number
