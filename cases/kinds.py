"""Case kinds: each workflow registers the kind it handles; the engine ships one generic kind,
policy consultation (政策咨询, standard art. 19), to run end to end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class CaseKind:
    code: str
    label: StrOrPromise
    # What the single notice cites, and the working days the applicant has to hand items in.
    notice_legal_basis: StrOrPromise
    notice_time_limit_days: int = 5
    # Resolved only through its service's own verb (which passes ``by_service``), never by the
    # case page's generic "Resolve": e.g. a rectification closes after its return visit.
    resolved_by_service: bool = False
    # Closed only through its service's own verb (``by_service``), never by the case page's
    # generic "Close": e.g. a facility rectification is closed by an inspector after checking.
    closed_by_service: bool = False
    # Rated by its applicant when done (好差评); not the market's own work on itself (a
    # rectification: the rated case is the one that was rated, the inspected market's is its own).
    rated: bool = True


KINDS: dict[str, CaseKind] = {}


def kind_register(kind: CaseKind) -> CaseKind:
    KINDS[kind.code] = kind
    return kind


def kind_get(code: str) -> CaseKind | None:
    return KINDS.get(code)


def kind_is_rated(code: str) -> bool:
    kind = KINDS.get(code)
    return kind is None or kind.rated


POLICY_CONSULTATION = kind_register(
    CaseKind(
        code="policy_consultation",
        label=_("Policy consultation"),
        notice_legal_basis=_(
            "Administrative Licensing Law of the PRC, art. 32 (a single notice of everything "
            "missing); the regional gig-market standard, art. 29 (first-contact responsibility, "
            "time-limited completion, single notice)."
        ),
    )
)
