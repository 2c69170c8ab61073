"""Who may open which back-office page, decided from the user's staff roles (memberships).

Market roles (officer, team lead) come from ``cases.permissions``; inspectors cover region
subtrees. The administrators of 三员分立 do no case work: they get 403 on every page here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases import permissions as can
from markets.models import Market, Role

from .params import id_parse

View = Callable[..., HttpResponse]


def is_inspector(user: Any) -> bool:
    return bool(can.inspected_prefixes(user))


def works_in_a_market(user: Any) -> bool:
    return bool(can.market_roles(user))


def led_market_ids(user: Any) -> list[int]:
    return sorted(pk for pk, role in can.market_roles(user).items() if role == Role.TEAM_LEAD)


def is_system_admin(user: Any) -> bool:
    return can.administers_system(user)


def does_back_office_work(user: Any) -> bool:
    """Officers, team leads and inspectors."""
    return works_in_a_market(user) or is_inspector(user)


def supervises_a_market(user: Any) -> bool:
    """Team leads (their markets) and inspectors (their regions)."""
    return is_inspector(user) or bool(led_market_ids(user))


def reads_audit(user: Any) -> bool:
    """Inspectors (their regions) and team leads (their markets) read the event log."""
    return supervises_a_market(user)


def _requires(check: Callable[[Any], bool], reason: Promise) -> Callable[[View], View]:
    """A view for the users who pass ``check``; the others get 403 with ``reason``, which the
    403 page shows in their language."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied(str(reason))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


back_office_required = _requires(
    does_back_office_work,
    _("This page is for officers, team leads and inspectors; administrators do no case work."),
)
market_staff_required = _requires(
    works_in_a_market, _("This page is for the officers and team leads of a market.")
)
team_lead_required = _requires(
    lambda user: bool(led_market_ids(user)), _("This page is for the team leads of a market.")
)
inspector_required = _requires(is_inspector, _("This page is for inspectors, over their region."))
# The link with the provincial platform: read by inspectors and the system administrator, its
# dead letters retried by the system administrator.
sync_reader_required = _requires(
    lambda user: is_inspector(user) or is_system_admin(user),
    _("This page is for inspectors and the system administrator."),
)
system_admin_required = _requires(
    is_system_admin, _("This action is for the system administrator.")
)
supervisor_required = _requires(
    supervises_a_market, _("This page is for the team leads of a market and the inspectors.")
)
audit_reader_required = _requires(
    reads_audit, _("The event log is read by team leads (their market) and inspectors.")
)


def may_read_market(user: Any, market: Market) -> bool:
    """The one rule of a market's supervision pages (case list and its export, ledger, time
    limits, statistics, scorecard): its team leads, and the inspectors over its region, read
    them. Inspectors only read (``cases.permissions.reads_only``)."""
    return can.supervises(user, market)


def market_for_supervisor(request: HttpRequest, market_id: int) -> Market:
    """A market the user may read as a supervisor (``may_read_market``). 404 when the market
    is not theirs to see at all (another market's staff, an inspector of another region: its
    existence is not revealed, as for a case); 403 for its own officers."""
    user = request.user
    market = Market.objects.select_related("region").filter(pk=market_id).first()
    if market is not None and may_read_market(user, market):
        return market
    if market is not None and can.works_in(user, market.pk):
        raise PermissionDenied(
            str(_("Only the market's team leads and the inspectors over it see this page."))
        )
    raise Http404


def staff_user(request: HttpRequest) -> User:
    """The signed-in member of staff (the sign-in middleware lets no one else through)."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101
    return user


Found = TypeVar("Found")


def visible_or_404(read: Callable[..., Found], *, pk: Any, **criteria: Any) -> Found:
    """What a ``<entity>_get_visible`` selector finds, or 404: when it is not the user's to
    see, and when the record number is not one (a typed or passed value, see
    ``params.id_parse``)."""
    number = pk if isinstance(pk, int) else id_parse(pk)
    if number is None:
        raise Http404
    try:
        return read(pk=number, **criteria)
    except ObjectDoesNotExist:
        raise Http404 from None
