"""Presentation helpers for the back-office templates: masking, labels, paging, the nav."""

from __future__ import annotations

from collections.abc import Callable
from html import escape as html_escape
from typing import Any

from django import template
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import gettext

from cases.identity import id_numbers_mask
from cases.models import State
from cases.sla_selectors import deadline_badge
from notifications.selectors import notification_unread_count
from sla.models import Deadline, Target

from ..common.access import does_back_office_work, is_inspector, led_market_ids, works_in_a_market
from ..common.once import FORM_TOKEN_FIELD, form_token_new

register = template.Library()


@register.filter
def mask_id_numbers(value: object) -> str:
    """Free text with every ID-number-like run masked (``450102********1234``). Returns plain
    text: the template still escapes it."""
    return id_numbers_mask(str(value))


@register.simple_tag
def form_token() -> SafeString:
    """The hidden one-time token of a form that creates something (backoffice/common/once.py):
    a fresh one on every render."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FORM_TOKEN_FIELD, form_token_new()
    )


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], param: str, number: int) -> str:
    """The current URL with one page parameter changed (the other filters kept)."""
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    query[param] = str(number)
    return f"?{query.urlencode()}"


@register.inclusion_tag("backoffice/includes/nav.html", takes_context=True)
def backoffice_nav(context: dict[str, Any]) -> dict[str, Any]:
    """Links to the pages the signed-in user may open (nothing before the second factor)."""
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    verified = user is not None and user.is_authenticated and user.is_verified()
    if not verified or not does_back_office_work(user):
        return {"show": False}
    led = led_market_ids(user)
    path = request.path if request is not None else ""
    return {
        "show": True,
        "path": path,
        "works_in_a_market": works_in_a_market(user),
        "led_market_ids": led,
        "reads_audit": bool(led) or is_inspector(user),
        "inspects": is_inspector(user),
    }


@register.inclusion_tag("backoffice/search/_box.html", takes_context=True)
def search_box(context: dict[str, Any]) -> dict[str, Any]:
    """The search box of the top bar (``/`` focuses it), for the staff who may search: the
    back-office roles past the second factor."""
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    verified = user is not None and user.is_authenticated and user.is_verified()
    show = verified and does_back_office_work(user)
    typed = request.GET.get("q", "") if show and request is not None else ""
    return {"show": show, "typed": typed[:100]}


# --- Escaping and addresses for the rows built in Python --------------------------------------
# A list page draws some seventy rows of seven cells; built with format_html, each value passes
# through the lazy-string wrappers of conditional_escape, and each link through reverse(): most
# of the page's time (bench/render.py). The builders below escape with the standard library (as
# Django's own escape does, without its wrappers) and reverse each address once per list.


def html_text(value: Any) -> str:
    """``value`` escaped for HTML unless it is already safe (``conditional_escape``, without
    its lazy-string wrappers): for the rows built here and in ``statistics_tags``."""
    if isinstance(value, SafeData):
        return str(value)
    return html_escape(str(value))


_e = html_text  # short, for the row builders below


def rows_or_none(rows: list[str], *, columns: int, none: str) -> SafeString:
    """A table's rows built in Python, or one row saying ``none`` across its ``columns``."""
    if not rows:
        return SafeString(f'<tr><td colspan="{columns}" class="hint">{_e(none)}</td></tr>')
    return SafeString("\n".join(rows))


def _address_of(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many pks: the address reversed once, the pk put in."""
    marker = "2147483647"
    head, tail = reverse(name, args=[int(marker)]).split(marker)
    return lambda pk: f"{head}{int(pk)}{tail}"


# --- Time limits (限时办结) and the bell --------------------------------------------------------


@register.simple_tag(takes_context=True)
def deadline_due(context: dict[str, Any], deadline: Deadline | None) -> SafeString:
    """A deadline's due time with its badge (due soon, overdue, paused, met, late) and the
    "estimated" marker. The page may put its ``now`` in the context; otherwise it is read here.
    Built in Python: a list draws one per row."""
    if deadline is None:
        return SafeString('<span class="hint">—</span>')
    badge = deadline_badge(deadline, now=context.get("now") or timezone.now())
    due = timezone.localtime(deadline.due_at)
    html = (
        f'<span class="due"><time datetime="{due.isoformat()}"><span>{due:%Y-%m-%d}</span> '
        f"<span>{due:%H:%M}</span></time>"
    )
    if badge.code:
        html += f' <span class="badge badge-{_e(badge.code)}">{_e(badge.label)}</span>'
    if badge.paused and badge.code != "paused":
        html += f' <span class="badge badge-paused">{_e(gettext("paused"))}</span>'
    if deadline.estimated:
        title = gettext("The calendar of that year is not known yet: counted Monday to Friday.")
        html += (
            f' <span class="badge badge-estimated" title="{_e(title)}">'
            f"{_e(gettext('estimated'))}</span>"
        )
    return SafeString(html + "</span>")


@register.simple_tag(takes_context=True)
def case_due(context: dict[str, Any], case_id: int) -> SafeString:
    """The completion deadline of a case, looked up in the page's ``deadlines`` (read for
    the whole page at once by ``deadline_map_for_cases``)."""
    deadlines = context.get("deadlines") or {}
    return deadline_due(context, deadlines.get((case_id, Target.COMPLETION)))


def _case_cells(case: Any, address: Callable[[int], str] | None) -> str:
    """The cells every list shows of a case, its reference (linked to ``address(case.pk)``
    unless that is None) to its state; ``_opened_and_due`` are the last two (the market's list
    puts its owner between them)."""
    reference = _e(case.reference)
    if address is not None:
        reference = f'<a href="{address(case.pk)}">{reference}</a>'
    applicant = case.applicant
    return (
        f'<td class="mono">{reference}</td><td>{_e(case.subject)}</td>'
        f'<td>{_e(applicant.name)}</td><td class="mono">{_e(applicant.id_number_masked)}</td>'
        f'<td><span class="state state-{_e(case.state)}">{_e(case.get_state_display())}</span>'
        "</td>"
    )


def _opened_and_due(context: dict[str, Any], case: Any) -> str:
    opened = timezone.localtime(case.opened_at)
    return f'<td class="when">{opened:%Y-%m-%d}</td><td>{case_due(context, case.pk)}</td>'


def _csrf_input(request: HttpRequest) -> str:
    """The form token field, once for all the forms of a page (``{% csrf_token %}`` makes a
    new one per form)."""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(get_token(request))}">'


@register.simple_tag(takes_context=True)
def case_rows(context: dict[str, Any], cases: Any, empty: str) -> SafeString:
    """The rows of a list of cases (``includes/case_rows.html``): the reference linked to the
    case, subject, applicant, masked ID number, state, day opened and due time; ``empty`` in
    a row of its own when there is none."""
    address = _address_of("backoffice:case_detail")
    rows = [
        f"<tr>{_case_cells(case, address)}{_opened_and_due(context, case)}</tr>" for case in cases
    ]
    return rows_or_none(rows, columns=7, none=empty)


@register.simple_tag(takes_context=True)
def market_case_rows(
    context: dict[str, Any], cases: Any, staff: list[Any], may_reassign: bool
) -> SafeString:
    """The rows of the team lead's market list (``market_cases.html``): those of
    ``case_rows`` with the owner, and for a reader who may reassign, a box to tick for the
    bulk reassignment and a colleague picker per open case."""
    request: HttpRequest = context["request"]
    token = _csrf_input(request)
    back = _e(request.get_full_path())
    reassign = _e(gettext("Reassign"))
    address = _address_of("backoffice:case_detail")
    reassign_address = _address_of("backoffice:case_reassign")
    choices = _choices(staff)
    rows = []
    for case in cases:
        movable = may_reassign and case.is_open and case.state != State.TRANSFER_PENDING
        tick = picker = ""
        if movable:
            pk = int(case.pk)
            tick_label = gettext("Tick %(reference)s") % {"reference": case.reference}
            owner_label = gettext("New owner of %(reference)s") % {"reference": case.reference}
            tick = (
                f'<input type="checkbox" name="cases" value="{pk}" form="bulk-reassign" '
                f'id="tick-{pk}"><label for="tick-{pk}" class="visually-hidden">'
                f"{_e(tick_label)}</label>"
            )
            picker = (
                f'<form method="post" action="{reassign_address(pk)}" class="inline">{token}'
                f'<input type="hidden" name="next" value="{back}">'
                f'<label for="reassign-{pk}" class="visually-hidden">{_e(owner_label)}</label>'
                f'<select id="reassign-{pk}" name="to_user">'
                f"{_options(choices, case.owner_id)}</select>"
                f'<button type="submit">{reassign}</button></form>'
            )
        rows.append(
            "<tr>"
            + (f"<td>{tick}</td>" if may_reassign else "")
            + _case_cells(case, address)
            + f"<td>{_e(case.owner or '—')}</td>"
            + _opened_and_due(context, case)
            + (f"<td>{picker}</td>" if may_reassign else "")
            + "</tr>"
        )
    if not rows:
        return SafeString(
            f'<tr><td colspan="{10 if may_reassign else 8}" class="hint">'
            f"{_e(gettext('No case matches.'))}</td></tr>"
        )
    return SafeString("\n".join(rows))


def _dashboard_case_cells(case: Any, address: Callable[[int], str]) -> str:
    """A case's reference (linked to it), subject and owner, three cells of a row of the
    dashboard's lists; one cell saying it is not the reader's to see for ``None``."""
    if case is None:
        hidden = gettext("A case you cannot see (transferred elsewhere).")
        return f'<td colspan="3" class="hint">{_e(hidden)}</td>'
    return (
        f'<td class="mono"><a href="{address(case.pk)}">{_e(case.reference)}</a></td>'
        f"<td>{_e(case.subject)}</td><td>{_e(case.owner or gettext('Nobody yet'))}</td>"
    )


@register.simple_tag(takes_context=True)
def due_rows(context: dict[str, Any], rows: Any, empty: str) -> SafeString:
    """The rows of one of the SLA dashboard's short lists (``sla/_due_list.html``): the
    case's cells and its clock's due time; ``empty`` in a row of its own when there is none."""
    address = _address_of("backoffice:case_detail")
    html = [
        f"<tr>{_dashboard_case_cells(row.case, address)}"
        f"<td>{deadline_due(context, row.deadline)}</td></tr>"
        for row in rows
    ]
    return rows_or_none(html, columns=4, none=empty)


def _rate_html(rate: Any) -> str:
    """An on-time rate (cases.sla_selectors.Rate): the percentage with how many of how many."""
    if rate.percent is None:
        return f'<span class="hint">{_e(gettext("no case finished"))}</span>'
    counts = gettext("(%(met)s of %(stopped)s on time)") % {
        "met": rate.met,
        "stopped": rate.stopped,
    }
    return (
        f"<strong>{_e(floatformat(rate.percent, 1))}%</strong> "
        f'<span class="hint">{_e(counts)}</span>'
    )


@register.simple_tag
def on_time_rate(rate: Any) -> SafeString:
    """The dashboard's on-time rate of the period (its summary)."""
    return SafeString(_rate_html(rate))


@register.simple_tag
def figure_rows(lines: Any) -> SafeString:
    """The rows of the SLA dashboard's tables by officer and by kind (``sla/_figures.html``):
    the label, overdue now, finished in the period and the on-time rate."""
    html = [
        f'<tr><th scope="row">{_e(line.label)}</th>'
        f'<td class="num{" bad" if line.overdue else ""}">{int(line.overdue)}</td>'
        f'<td class="num">{int(line.rate.stopped)}</td><td>{_rate_html(line.rate)}</td></tr>'
        for line in lines
    ]
    none = gettext("Nothing overdue and nothing finished in the period.")
    return rows_or_none(html, columns=4, none=none)


@register.simple_tag
def breach_rows(rows: Any) -> SafeString:
    """The rows of the SLA dashboard's breaches (``sla/market.html``): when, the level, the
    case's cells and its due time."""
    address = _address_of("backoffice:case_detail")
    html = []
    for row in rows:
        reminder = row.reminder
        created = timezone.localtime(reminder.created_at)
        due = timezone.localtime(reminder.deadline.due_at)
        html.append(
            f'<tr><td class="when">{created:%Y-%m-%d %H:%M}</td>'
            f'<td><span class="badge badge-{_e(reminder.level)}">'
            f"{_e(reminder.get_level_display())}</span></td>"
            f"{_dashboard_case_cells(row.case, address)}"
            f'<td class="when">{due:%Y-%m-%d %H:%M}</td></tr>'
        )
    return rows_or_none(html, columns=6, none=gettext("No case became overdue in the period."))


@register.simple_tag(takes_context=True)
def transfer_rows(context: dict[str, Any], transfers: Any) -> SafeString:
    """The rows of the transfers waiting for the reader (the workbench): the case as
    ``case_rows`` shows it, who sent it and why, and the decision (accept; decline with a
    reason). One form token for the page's forms."""
    token = _csrf_input(context["request"])
    accept, decline = _e(gettext("Accept")), _e(gettext("Decline"))
    why = _e(gettext("Why you decline"))
    accept_address = _address_of("backoffice:transfer_accept")
    decline_address = _address_of("backoffice:transfer_decline")
    rows = []
    for transfer in transfers:
        pk = int(transfer.pk)
        rows.append(
            f"<tr>{_case_cells(transfer.case, None)}{_opened_and_due(context, transfer.case)}"
            f"<td>{_e(transfer.from_user)}<br>"
            f'<span class="hint">{_e(id_numbers_mask(transfer.reason))}</span></td>'
            '<td class="decide">'
            f'<form method="post" action="{accept_address(pk)}">{token}'
            f'<button type="submit" class="primary">{accept}</button></form>'
            f"<details><summary>{decline}</summary>"
            f'<form method="post" action="{decline_address(pk)}">{token}'
            f'<label for="decline-{pk}">{why}</label>'
            f'<textarea id="decline-{pk}" name="reason" rows="2" required></textarea>'
            f'<button type="submit">{decline}</button></form></details></td></tr>'
        )
    return rows_or_none(rows, columns=9, none=gettext("No transfer is waiting for you."))


@register.inclusion_tag("backoffice/notifications/_bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    """The link "Notifications (N)" in the top bar, for staff who passed the second factor:
    one query."""
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {"show": False}
    return {
        "show": True,
        "unread": notification_unread_count(recipient=user),
        "current": request is not None and request.path == reverse("backoffice:notifications"),
    }


@register.simple_tag
def staff_options(staff: list[Any], selected_id: int | None = None) -> SafeString:
    """The ``<option>``s of a colleague picker, ``selected_id`` chosen: built in Python, as a
    list page draws one picker per row and a template loop per option is its slowest part."""
    return _options(_choices(staff), selected_id)


def _choices(staff: list[Any]) -> list[tuple[int, str]]:
    """(pk, escaped name) of each colleague, made once for the pickers of a whole list."""
    return [(int(member.pk), _e(member)) for member in staff]


def _options(choices: list[tuple[int, str]], selected_id: int | None) -> SafeString:
    return SafeString(
        "".join(
            f'<option value="{pk}"{" selected" if pk == selected_id else ""}>{name}</option>'
            for pk, name in choices
        )
    )


@register.simple_tag
def list_count(page: Any) -> str:
    """How many rows a list has: "1 234", or "1 000+" past the count's cap (see
    ``backoffice.common.pages``), with a space between thousands as both languages read it."""
    paginator = page.paginator
    shown = f"{paginator.count:,}".replace(",", "\u00a0")
    return f"{shown}+" if getattr(paginator, "over_cap", False) else shown


@register.simple_tag(takes_context=True)
def keyset_url(context: dict[str, Any], param: str, token: str = "") -> str:
    """The current URL with the keyset cursor ``param`` set to ``token``, or dropped when
    ``token`` is empty (back to the newest page); the other filters kept."""
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    query.pop(param, None)
    if token:
        query[param] = token
    return f"?{query.urlencode()}"


@register.filter
def thousands(number: int) -> str:
    """``number`` with a (non-breaking) space between thousands: "10 000"."""
    return f"{number:,}".replace(",", "\u00a0")
