"""Reads of job seekers for pages, lookups and matching.

Nothing here decrypts personal data: the applicant's encrypted ID number and mobile are left
unread (deferred), and a person is found by the keyed index of their ID number.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from accounts.models import User
from cases.crypto import personal_data_index
from cases.identity import resident_id_parse
from cases.models import Case, applicant_key
from markets.models import Market
from markets.selectors import market_list_visible_to

from .flow import SEEKER_REGISTRATION
from .models import SeekerProfile
from .rules import (
    code_normalise,
    occupation_code_ancestors,
    occupation_code_valid,
    region_prefix,
    region_prefix_ancestors,
    region_prefix_valid,
)

# Needed before a registration is complete (and its case closed): how to reach the person,
# where they come from, and what, where and when they want to work. Pay, training needs and
# employability may be "none" or "open to offers".
REQUIRED_FOR_COMPLETE = (
    "household_type",
    "home_county",
    "wanted_occupations",
    "wanted_areas",
    "available_days",
    "available_from",
    "available_until",
)


def _seekers() -> QuerySet[SeekerProfile]:
    seekers: QuerySet[SeekerProfile] = SeekerProfile.objects.select_related(
        "applicant", "home_county"
    ).defer("applicant__id_number", "applicant__mobile")
    return seekers


def seeker_missing_items(*, seeker: SeekerProfile) -> list[str]:
    """The fields (and ``mobile``) a complete registration still lacks, in form order."""
    missing = [field for field in REQUIRED_FOR_COMPLETE if getattr(seeker, field) in (None, "", [])]
    if not seeker.applicant.mobile_masked:
        missing.insert(0, "mobile")
    return missing


def seeker_list_for_market(*, market: Market) -> QuerySet[SeekerProfile]:
    """Seekers who registered (or updated their registration) at ``market``, latest first."""
    registered_here = Case.objects.filter(
        kind=SEEKER_REGISTRATION.code, market=market, applicant=OuterRef("applicant")
    )
    return _seekers().filter(Exists(registered_here)).order_by("-updated_at", "-pk")


def seeker_get_by_id_number(*, id_number: str) -> SeekerProfile | None:
    """The seeker with this ID number (typed any way: spaces, full width), or None.
    A malformed number raises ValidationError (``id_number``)."""
    try:
        resident = resident_id_parse(id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from error
    index = personal_data_index(resident.number)
    return _seekers().filter(applicant_key("id_number_index", index, through="applicant__")).first()


def _json_list_has(field: str, *, prefix: str, ancestors: list[str]) -> Q:
    """A JSON list of codes holds a code under ``prefix``, or one of the broader ``ancestors``
    that contain it. Read through the list's JSON text, where every element is a quoted
    string: ``"4-03`` starts an element under 4-03, ``"4"`` is exactly the element 4. Codes
    have fixed-width levels, so a text prefix is a prefix in the tree. Same text on SQLite and
    PostgreSQL (``["a", "b"]``)."""
    column = f"{field}_text"
    condition = Q(**{f"{column}__contains": f'"{prefix}'})
    for code in ancestors:
        condition |= Q(**{f"{column}__contains": f'"{code}"'})
    return condition


def seeker_list_available(
    *, occupation_prefix: str | None = None, county_prefix: str | None = None
) -> QuerySet[SeekerProfile]:
    """Seekers who gave days they can work, for matching to postings:

    - ``occupation_prefix`` (``4-03`` or ``4-03-02-01``): who want an occupation in that group,
      or a broader group containing it (wanting "4-03" matches a posting for 4-03-02-01);
    - ``county_prefix`` (2, 4 or 6 digits; a whole code such as 450100 stands
      for its region's subtree): who want to work in that region,
      or in a broader one containing it (wanting all of Nanning, 450100, matches 450102).
      Where they want to work, not where their household is registered.

    A malformed prefix raises ValidationError naming the parameter.
    """
    seekers = _seekers().exclude(available_days=[])
    if occupation_prefix is not None:
        prefix = code_normalise(occupation_prefix)
        if not occupation_code_valid(prefix):
            raise ValidationError(
                {"occupation_prefix": _("An occupation code looks like 4-03-02-01 or 4-03.")}
            )
        seekers = seekers.alias(
            wanted_occupations_text=Cast("wanted_occupations", TextField())
        ).filter(
            _json_list_has(
                "wanted_occupations", prefix=prefix, ancestors=occupation_code_ancestors(prefix)
            )
        )
    if county_prefix is not None:
        prefix = region_prefix(code_normalise(county_prefix))
        if not region_prefix_valid(prefix):
            raise ValidationError(
                {"county_prefix": _("A region prefix has 2, 4 or 6 digits, such as 4501.")}
            )
        seekers = seekers.alias(wanted_areas_text=Cast("wanted_areas", TextField())).filter(
            _json_list_has("wanted_areas", prefix=prefix, ancestors=region_prefix_ancestors(prefix))
        )
    return seekers.order_by("-updated_at", "-pk")


def seeker_get_visible(*, user: User, pk: int) -> SeekerProfile:
    """The seeker, when they registered at a market the user may see (a market they work in,
    or one in an inspector's regions); else SeekerProfile.DoesNotExist (→ 404). Their ID
    number and mobile are left unread."""
    registered = Case.objects.filter(
        kind=SEEKER_REGISTRATION.code,
        market__in=market_list_visible_to(user=user),
        applicant=OuterRef("applicant"),
    )
    seeker: SeekerProfile = (
        SeekerProfile.objects.select_related("applicant", "home_county")
        .defer("applicant__id_number", "applicant__mobile")
        .filter(Exists(registered))
        .get(pk=pk)
    )
    return seeker


def seeker_pk_visible_for_applicant(*, user: User, applicant_id: int) -> int | None:
    """The pk of the applicant's job-seeker profile when ``user`` may see it
    (``seeker_get_visible``); None when there is none or it is not theirs to see."""
    registered = Case.objects.filter(
        kind=SEEKER_REGISTRATION.code,
        market__in=market_list_visible_to(user=user),
        applicant=OuterRef("applicant"),
    )
    pk: int | None = (
        SeekerProfile.objects.filter(Exists(registered), applicant_id=applicant_id)
        .values_list("pk", flat=True)
        .first()
    )
    return pk
