"""Reads of cases for pages and queues. Who may see a case is decided here, once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from markets.models import Absence, Role
from sla.selectors import day_start, deadline_due_condition

from . import permissions as can
from .models import (
    OPEN_STATES,
    Applicant,
    Case,
    CaseAttachment,
    Industry,
    SingleNotice,
    SingleNoticeBreach,
    State,
    Transfer,
)


def case_visibility(*, user: User) -> Q:
    """Cases ``user`` may see: every case of the markets they work in; cases they opened
    (首问负责: the first-contact officer follows the case wherever it goes); cases on a pending
    transfer they sent, that waits for them or their team, or (team leads) for one of their
    officers; and, for inspectors, every case in the regions they cover.

    A condition on the case row itself (the transfer part as EXISTS), so that a page of a
    list is read through the list's index instead of first collecting every visible case.
    """
    markets = list(can.market_roles(user))
    pending = Transfer.objects.filter(case=OuterRef("pk"), status=Transfer.Status.PENDING)
    condition = (
        Q(market_id__in=markets)
        | Q(first_contact_officer=user)
        | Q(
            Exists(
                pending.filter(
                    Q(from_user=user)
                    | Q(to_user=user)
                    | Q(to_user__isnull=True, to_market_id__in=markets)
                    | Q(to_market_id__in=_led_markets(user))
                )
            )
        )
    )
    for prefix in can.inspected_prefixes(user):
        condition |= Q(market__region__code__startswith=prefix)
    return condition


def _led_markets(user: User) -> list[int]:
    return [market for market, role in can.market_roles(user).items() if role == Role.TEAM_LEAD]


_CASE_RELATED = ("market", "applicant", "owner", "first_contact_officer")


def case_list_visible(*, user: User) -> QuerySet[Case]:
    cases: QuerySet[Case] = Case.objects.filter(case_visibility(user=user)).select_related(
        *_CASE_RELATED
    )
    return cases


def case_list_visible_in_markets(*, user: User, market_ids: list[int]) -> QuerySet[Case]:
    """The cases of these markets ``user`` may see: for markets the user works in, every case
    (``case_visibility`` says so, and a planner does not see through its either-or: PostgreSQL
    read every pending transfer for each list of a team lead), else as ``case_list_visible``."""
    if set(market_ids) <= set(can.market_roles(user)):
        cases: QuerySet[Case] = Case.objects.filter(market_id__in=market_ids).select_related(
            *_CASE_RELATED
        )
        return cases
    return case_list_visible(user=user).filter(market_id__in=market_ids)


def case_get_visible(*, user: User, pk: int) -> Case:
    """The case, or Case.DoesNotExist (→ 404) when it is not the user's to see; with
    ``has_pending_transfer`` (a transfer of it waits for a decision), ``has_notice`` (a single
    notice was issued) and ``has_attachments``, so that its page reads who may decide a
    transfer, the notice and the attachments only when there are any (most cases have none).

    The case is read by its key first: when it is of a market the user works in, or the user
    opened it (the first conditions of ``case_visibility``, nearly every case an officer
    opens), that settles it without building and planning the whole condition; else the
    case is read again under ``case_visibility``."""
    flags = {
        "has_pending_transfer": Exists(
            Transfer.objects.filter(case=OuterRef("pk"), status=Transfer.Status.PENDING)
        ),
        "has_notice": Exists(SingleNotice.objects.filter(case=OuterRef("pk"))),
        "has_attachments": Exists(CaseAttachment.objects.filter(case=OuterRef("pk"))),
    }
    case: Case | None = (
        Case.objects.select_related(*_CASE_RELATED).annotate(**flags).filter(pk=pk).first()
    )
    if case is None:
        raise Case.DoesNotExist
    if case.market_id in can.market_roles(user) or case.first_contact_officer_id == user.pk:
        return case
    visible: Case = case_list_visible(user=user).annotate(**flags).get(pk=pk)
    return visible


def case_list_mine(*, user: User) -> QuerySet[Case]:
    return (
        case_list_visible(user=user).filter(owner=user, state__in=OPEN_STATES).order_by("opened_at")
    )


def case_list_covered(*, user: User, absence: Absence) -> QuerySet[Case]:
    """The open cases of the officer ``user`` covers for in ``absence`` (AB岗), oldest first:
    those of the absence's market they own. None unless ``user`` is its deputy and it runs
    today."""
    cases: QuerySet[Case] = (
        case_list_visible(user=user)
        .filter(market_id=absence.market_id, owner_id=absence.officer_id, state__in=OPEN_STATES)
        .order_by("opened_at", "pk")
    )
    if absence.deputy_id != user.pk or not absence.runs_on(timezone.localdate()):
        return cases.none()
    return cases


def case_list_unclaimed(*, user: User) -> QuerySet[Case]:
    markets = list(can.market_roles(user))
    return (
        case_list_visible_in_markets(user=user, market_ids=markets)
        .filter(state=State.NEW)
        .order_by("opened_at")
    )


def transfer_list_waiting_for(*, user: User) -> QuerySet[Transfer]:
    """Transfers this user may decide: addressed to them, to their market's team, or (for a
    team lead) to any officer of a market they lead."""
    markets = list(can.market_roles(user))
    return (
        Transfer.objects.filter(status=Transfer.Status.PENDING)
        .filter(
            Q(to_user=user)
            | Q(to_user__isnull=True, to_market_id__in=markets)
            | Q(to_market_id__in=_led_markets(user))
        )
        .select_related("case__applicant", "case__completion_clock", "from_user")
        .only(
            "case_id",
            "reason",
            "created_at",
            "from_user__username",
            "from_user__full_name",
            *(f"case__{column}" for column in CASE_LIST_COLUMNS),
            *(f"case__{_CLOCK}{column}" for column in DUE_CELL_COLUMNS),
        )
        .order_by("created_at")
    )


def single_notice_breach_counts(*, market_id: int) -> dict[int, int]:
    """{officer id: breaches} in a market."""
    rows = (
        SingleNoticeBreach.objects.filter(market_id=market_id)
        .values("officer_id")
        .annotate(n=Count("pk"))
        .values_list("officer_id", "n")
    )
    return dict(rows)


def applicant_markets_served_by(*, user: User, applicant: Applicant) -> list[int]:
    """The markets ``user`` works in (officer or team lead) that serve ``applicant``: that have
    a case of theirs, in any state. Who may correct the applicant's name or mobile, and see
    the page where it is done. Sorted, so the first one is stable."""
    markets = list(can.market_roles(user))
    if not markets:
        return []
    return sorted(
        Case.objects.filter(applicant=applicant, market_id__in=markets)
        .values_list("market_id", flat=True)
        .distinct()
    )


def applicant_get_for_change(*, user: User, pk: int) -> Applicant:
    """The applicant, or Applicant.DoesNotExist (→ 404) when no market of ``user`` serves
    them."""
    markets = list(can.market_roles(user))
    applicant: Applicant = (
        Applicant.objects.filter(pk=pk, cases__market_id__in=markets)
        .select_related("industry")
        .defer("id_number")
        .distinct()
        .get()
    )
    return applicant


# --- Filtered, sorted lists (the workbench, the market's list, the exports) -----------------

# The sorts a list offers, each ending in a unique column so that a page boundary is stable
# (and a keyset could follow it). Each matches an index of ``Case`` (see its Meta); "due"
# (most urgent first) is the order of a list narrowed to a due filter, from the clocks'
# (market, overdue_after) index.
CASE_SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-opened_at", "-pk"),
    "oldest": ("opened_at", "pk"),
    "reference": ("reference",),
    "-reference": ("-reference",),
    "due": ("completion_clock__overdue_after", "pk"),
}
CASE_SORT_DEFAULT = "newest"
# What a row of a case list shows (the workbench, the market's list, the bulk reassignment):
# a list reads these columns only. Its masked numbers, never the encrypted ones (nor are they
# decrypted), and no market or first-contact officer: a row built from five joined models with
# every column was most of a page's Python time (bench/render.py).
CASE_LIST_COLUMNS = (
    "reference",
    "subject",
    "state",
    "opened_at",
    "market_id",
    "owner_id",
    "applicant__name",
    "applicant__id_number_masked",
    "owner__username",
    "owner__full_name",
)
# What a due cell shows of a case's completion clock (``deadline_due``, ``deadline_badge``).
DUE_CELL_COLUMNS = (
    "subject_id",
    "target",
    "due_at",
    "warn_at",
    "paused_at",
    "stopped_at",
    "met",
    "estimated",
)
CASE_SORT_DUE = "due"
# The case's completion clock, as the lists' due filters and the "due" sort read it.
_CLOCK = "completion_clock__"


# The states few of a station's cases are in at once: a transfer waiting for its acceptance,
# the applicant's materials awaited (whose clock is paused: due only if overdue when paused).
_FEW_STATES = (State.TRANSFER_PENDING, State.AWAITING_MATERIALS)


def cases_read_whole(
    *,
    station_id: int | None = None,
    state: str = "",
    owner_id: int | None = None,
    due: str = "",
    **_others: Any,
) -> bool:
    """Whether ``cases_filtered`` reads every case of the list (then sorts them) for these
    criteria (its keywords; the others do not decide it), rather than walking an index in
    the list's order to the page's last row: a station's cases in a state few are in
    (``_FEW_STATES``) with a due filter, and no owner. Those few cases are fewer than the
    station's clocks in a due range (a week of them on a Monday), so the list reads them from
    the station's index and checks each one's clock, instead of each clock in the range its case
    (SQLite, with no statistics across the two tables, must be told)."""
    return bool(due) and station_id is not None and owner_id is None and state in _FEW_STATES


def cases_filtered(
    cases: QuerySet[Case],
    *,
    state: str = "",
    kind: str = "",
    owner_id: int | None = None,
    channel: str = "",
    station_id: int | None = None,
    due: str = "",
    opened_from: date | None = None,
    opened_to: date | None = None,
    sort: str = CASE_SORT_DEFAULT,
    market_ids: list[int] | None = None,
    now: datetime | None = None,
) -> QuerySet[Case]:
    """``cases`` (already narrowed to what the reader may see) narrowed by every criterion
    given, in the order ``sort`` names (one of ``CASE_SORTS``; ``ValueError`` otherwise, and
    for "due" without a due filter).

    ``due`` is one of ``sla.selectors``' DUE_* (overdue, due later today, due this week), read
    from the completion clock in the same query (``Case.completion_clock``), through the
    clocks' index of the owner, the station, or (``market_ids``: the markets the list is of,
    when the caller knows them) the market or the market's channel, in due order for the
    "due" sort (``_clock_range``). Days are in the display time zone, both inclusive.
    """
    if sort not in CASE_SORTS or (sort == CASE_SORT_DUE and not due):
        raise ValueError(sort)
    if due and state and state not in OPEN_STATES:
        # A finished case's clocks are stopped (``case_save``): none is ever due. Said here,
        # not found by reading every due clock of the market for none of them to match.
        return cases.none()
    if state:
        cases = cases.filter(state=state)
    if kind:
        cases = cases.filter(kind=kind)
    if owner_id is not None:
        cases = cases.filter(owner_id=owner_id)
    if channel:
        cases = cases.filter(channel=channel)
    if station_id is not None:
        cases = cases.filter(station_id=station_id)
    if opened_from is not None:
        cases = cases.filter(opened_at__gte=day_start(opened_from))
    if opened_to is not None:
        cases = cases.filter(opened_at__lt=day_start(opened_to + timedelta(days=1)))
    if due:
        whole = cases_read_whole(station_id=station_id, state=state, owner_id=owner_id, due=due)
        cases = cases.filter(
            deadline_due_condition(
                due=due, now=now or timezone.now(), through=_CLOCK, by_index=not whole
            )
        )
        cases = cases.filter(
            **_clock_range(owner_id, station_id, state, channel, market_ids, whole)
        )
    return case_rows(cases).order_by(*CASE_SORTS[sort])


def _clock_range(
    owner_id: int | None,
    station_id: int | None,
    state: str,
    channel: str,
    market_ids: list[int] | None,
    whole: bool,
) -> dict[str, Any]:
    """The conditions on a due list's completion clocks that make it one range of their index,
    read in due order: the case's own conditions said again of the clock, which keeps them (its
    officer is the case's owner, its channel and station the case's: the services keep them
    together). A case that is new is nobody's."""
    if owner_id is not None:
        # The owner's clocks (with the market's too, PostgreSQL ANDs two bitmaps and sorts
        # every due clock of the owner).
        return {f"{_CLOCK}officer_id": owner_id}
    if whole:
        return {}
    # New cases: their clocks nobody has, told apart in the station's and the market's indexes
    # (the officers' index holds only the clocks somebody has).
    nobody = {f"{_CLOCK}officer__isnull": True} if state == State.NEW else {}
    if station_id is not None:
        return {f"{_CLOCK}station_id": station_id, **nobody}
    if market_ids is None:
        return {}
    if channel:
        return {f"{_CLOCK}market_id__in": market_ids, f"{_CLOCK}channel": channel}
    return {f"{_CLOCK}market_id__in": market_ids, **nobody}


def case_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    """``cases`` as a list shows them: the columns of ``CASE_LIST_COLUMNS`` and, joined on
    the row, the completion clock's due cell (``DUE_CELL_COLUMNS``; ``case_deadline_map``
    collects them), nothing more."""
    return (
        cases.select_related(None)
        .select_related("applicant", "owner", "completion_clock")
        .only(*CASE_LIST_COLUMNS, *(f"{_CLOCK}{column}" for column in DUE_CELL_COLUMNS))
    )


# --- Industries (国民经济行业分类 GB/T 4754-2017) -------------------------------------------------

INDUSTRY_SEARCH_LIMIT = 20


def industry_divisions() -> QuerySet[Industry]:
    """Every division (大类) an employer or a posting may name, with its section, in code order."""
    return Industry.objects.filter(level=Industry.Level.DIVISION).select_related("section")


def industry_search(*, text: str, limit: int = INDUSTRY_SEARCH_LIMIT) -> list[Industry]:
    """Divisions (大类) for a type-ahead: a code prefix (``5`` → 50–59; a section letter ``H``
    → its divisions) or a part of the Chinese name (``餐饮``), at most ``limit``, in code
    order. One query; nothing typed finds nothing."""
    text = text.strip()
    if not text:
        return []
    match = Q(name__contains=text)
    if text.isdigit():
        match |= Q(code__startswith=text)
    elif len(text) == 1 and text.isascii() and text.isalpha():
        match |= Q(section__code=text.upper())
    return list(industry_divisions().filter(match)[:limit])


def industry_by_code(code: str) -> Industry | None:
    """The division (大类) with this two-digit code, or None."""
    return industry_divisions().filter(code=code.strip()).first()
