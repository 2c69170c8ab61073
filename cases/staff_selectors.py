"""Reads of the staff pages around a case: the staff to choose from, a case's notice,
transfers and history, a market's cases, and the event log (moved down from backoffice/, whose
pages read them).

Visibility of cases is still decided once, in ``cases.selectors`` (``case_list_visible``, and
``case_list_visible_in_markets`` for a market's own staff); these only narrow it or read what
hangs off a case.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Generic, NamedTuple, TypeVar

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.signing import BadSignature, Signer
from django.db.models import Model, Q, QuerySet

from accounts.models import User
from audit.chain import chain_key
from audit.models import AuditEvent
from audit.selectors import (
    EventCursor,
    EventPage,
    VerificationResult,
    chain_list,
    chain_verify,
    event_page,
)
from cases import permissions as can
from cases.models import (
    Case,
    CaseNote,
    ChecklistItem,
    NoticeItem,
    SingleNotice,
    State,
    Transfer,
)
from cases.selectors import case_list_visible_in_markets, cases_filtered
from markets.models import MARKET_ROLES, Market, Role, ServiceStation
from markets.selectors import absence_list_running, membership_list_for_user
from sla import memo
from sla.selectors import day_start

# --- Staff ------------------------------------------------------------------------------------


def staff_list_for_markets(*, market_ids: list[int]) -> QuerySet[User]:
    """Active officers and team leads of these markets (each once), by name. An account
    nobody can sign in with (a market's online desk, ``online.desk``) is nobody to hand a
    case to, and is left out."""
    users: QuerySet[User] = (
        User.objects.filter(
            is_active=True,
            memberships__role__in=MARKET_ROLES,
            memberships__market_id__in=market_ids,
        )
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .distinct()
        .order_by("full_name", "username")
    )
    return users


def staff_list_of_active_markets() -> QuerySet[User]:
    """Everyone a case may be transferred to (not an account nobody can sign in with)."""
    users: QuerySet[User] = (
        User.objects.filter(
            is_active=True,
            memberships__role__in=MARKET_ROLES,
            memberships__market__is_active=True,
        )
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .distinct()
        .order_by("full_name", "username")
    )
    return users


# The memo table of where and to whom a case can be handed (the choices of a case page's
# action forms): renewed when a user, a membership, a market, a region or an absence changes
# (cases.receivers). The forms still check what is posted against the database.
HANDOVER = "handover"
# The memo table of the kinds' checklists (the single notice's items to tick): renewed when a
# checklist item changes (cases.receivers).
CHECKLISTS = "checklists"


class StaffChoice(NamedTuple):
    """A member of staff offered as a choice: the id and the names a label is made of."""

    pk: int
    full_name: str
    username: str

    def __str__(self) -> str:  # as ``User.__str__``
        return self.full_name or self.username


class Away(NamedTuple):
    """An officer's absence running today (AB岗), as a transfer's choice of receiver says it."""

    ends_on: date
    market: str
    deputy: str


@dataclass(frozen=True)
class Handover:
    """The choices of a transfer: the active markets (id, name), everyone a case may be
    transferred to, and who of them is away on the day asked (their absences by officer)."""

    markets: list[tuple[int, str]]
    staff: list[StaffChoice]
    away: dict[int, list[Away]]


def _staff_choices(users: QuerySet[User]) -> list[StaffChoice]:
    return [StaffChoice(*row) for row in users.values_list("pk", "full_name", "username")]


def staff_choices_for_markets(*, market_ids: Sequence[int]) -> list[StaffChoice]:
    """``staff_list_for_markets`` as choices, from this process's memory until a user, a
    membership, a market or an absence changes (``sla.memo``, table ``HANDOVER``)."""
    markets = sorted(set(market_ids))
    return memo.remembered(
        HANDOVER,
        ("staff", tuple(markets)),
        lambda: _staff_choices(staff_list_for_markets(market_ids=markets)),
    )


def staff_names(*, market_ids: Sequence[int], user_ids: Iterable[int]) -> dict[int, str]:
    """How each of these users is named (``str(user)``): the markets' staff from this process's
    memory (``staff_choices_for_markets``), anyone else (staff who left, an online desk) read."""
    wanted = set(user_ids)
    names = {
        staff.pk: str(staff)
        for staff in staff_choices_for_markets(market_ids=market_ids)
        if staff.pk in wanted
    }
    if missing := wanted - names.keys():
        others = User.objects.filter(pk__in=missing).only("full_name", "username")
        names |= {user.pk: str(user) for user in others}
    return names


def handover_choices(*, on: date) -> Handover:
    """The choices of a case's transfer on day ``on``, from this process's memory until a user,
    a membership, a market or an absence changes (``sla.memo``, table ``HANDOVER``): a case
    page does not read the province's markets, staff and absences on every request."""

    def read() -> Handover:
        away: dict[int, list[Away]] = {}
        for absence in absence_list_running(on=on):
            away.setdefault(absence.officer_id, []).append(
                Away(absence.ends_on, absence.market.name, str(absence.deputy))
            )
        return Handover(
            markets=list(Market.objects.filter(is_active=True).values_list("pk", "name")),
            staff=_staff_choices(staff_list_of_active_markets()),
            away=away,
        )

    return memo.remembered(HANDOVER, ("transfer", on), read)


def checklist_choices(*, kind: str) -> list[tuple[int, str]]:
    """(id, name) of the checklist items in use for cases of ``kind``, in their order: the items
    a single notice may list, from this process's memory until an item changes (``sla.memo``,
    table ``CHECKLISTS``)."""
    return memo.remembered(
        CHECKLISTS,
        kind,
        lambda: list(
            ChecklistItem.objects.filter(kind=kind, is_active=True).values_list("pk", "name")
        ),
    )


# --- One case ---------------------------------------------------------------------------------


def notice_for_case(*, case: Case) -> SingleNotice | None:
    """The case's single notice, if one was issued."""
    notice: SingleNotice | None = (
        SingleNotice.objects.filter(case=case).select_related("issued_by").first()
    )
    return notice


def notice_item_list(*, notice: SingleNotice) -> list[NoticeItem]:
    return list(notice.items.select_related("received_by").order_by("pk"))


def transfer_get_for_receiver(*, user: User, pk: int) -> Transfer:
    """A pending transfer the user might decide (addressed to them or to a market they work
    in); Transfer.DoesNotExist otherwise. The service decides whether they may."""
    markets = list(can.market_roles(user))
    transfer: Transfer = (
        Transfer.objects.filter(status=Transfer.Status.PENDING)
        .filter(Q(to_user=user) | Q(to_market_id__in=markets))
        .select_related("case")
        .get(pk=pk)
    )
    return transfer


CASE_TRAIL_PAGE_SIZE = 50


def _case_event_conditions(case: Case) -> tuple[Q, Q]:
    """The case's events, and the reveals of its applicant's data made from it: two
    disjoint sets, each read through the (target_type, target_id, occurred_at) index."""
    own = Q(target_type="cases.case", target_id=str(case.pk))
    reveals = Q(
        target_type="cases.applicant",
        target_id=str(case.applicant_id),
        action="personal_data.revealed",
        new_values__reference=case.reference,
    )
    return own, reveals


def audit_event_page_for_case(
    *, case: Case, before: EventCursor | None = None, size: int = CASE_TRAIL_PAGE_SIZE
) -> EventPage:
    """A page of the case's trail, newest first: its events, and the reveals of its
    applicant's data made from it. Two queries (one per kind, each at most ``size + 1`` rows
    in index order), however long the trail."""
    events = AuditEvent.objects.select_related("actor")
    own, reveals = _case_event_conditions(case)
    return event_page(events.filter(own), events.filter(reveals), before=before, size=size)


# --- The case's own lists, a page at a time --------------------------------------------------
#
# Every list of the case page that grows with the case's life (its notes, its history, its
# transfers; the trail above) is read a page at a time, newest first, by keyset on (time, id),
# as ``audit.selectors.event_page`` reads the trail: a page deep down costs what the first one
# costs, however long the case has lived. Each list has its own cursor in the query string.
# The lists are not counted (a count would read every row); "older" says there is more.

CASE_NOTE_PAGE_SIZE = 20
CASE_HISTORY_PAGE_SIZE = 20
CASE_TRANSFER_PAGE_SIZE = 20

M = TypeVar("M", bound=Model)


def _cursor_signer(case_id: int, name: str) -> Signer:
    return Signer(salt=f"cases.case-page.{name}.{case_id}")


@dataclass(frozen=True)
class CaseListCursor:
    """Where a page of the list ``name`` of a case ends: the time and id of its last (oldest)
    row. Its token is ``audit.selectors.EventCursor``'s, signed for that list of that case, so
    a token that is malformed, changed by hand, or made for another case or another list is no
    cursor at all (the newest page), never a position somewhere else."""

    case_id: int
    name: str
    at: datetime
    pk: int

    def token(self) -> str:
        return _cursor_signer(self.case_id, self.name).sign(EventCursor(self.at, self.pk).token())

    @classmethod
    def parse(cls, token: str | None, *, case_id: int, name: str) -> CaseListCursor | None:
        if not token:
            return None
        try:
            value = _cursor_signer(case_id, name).unsign(token)
        except BadSignature:
            return None
        position = EventCursor.parse(value)
        if position is None:
            return None
        return cls(case_id, name, position.at, position.pk)


R = TypeVar("R")


@dataclass(frozen=True)
class CaseListPage(Generic[R]):
    """One page of a case's list, newest first. ``older`` is the cursor of the next page (None
    on the last); ``first`` whether this is the newest page (as ``audit.selectors.EventPage``,
    so ``backoffice/includes/keyset_pagination.html`` shows either)."""

    rows: list[R]
    older: CaseListCursor | None
    first: bool

    def __iter__(self) -> Iterator[R]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


def _case_list_rows(
    rows: QuerySet[M], *, case: Case, name: str, at: str, before: str | None, size: int
) -> tuple[list[M], CaseListCursor | None, bool]:
    """The ``size + 1`` newest of ``rows`` (one of the case's lists, its time field ``at``)
    after the cursor ``before`` (the token of a ``CaseListCursor``; the newest when missing or
    not valid for this list of this case), the cursor of the page that shows the first
    ``size`` of them (None when there are no more), and whether that page is the newest. One
    query, reading at most ``size + 1`` rows."""
    cursor = CaseListCursor.parse(before, case_id=case.pk, name=name)
    ordered = rows.order_by(f"-{at}", "-pk")
    if cursor is not None:
        # The first condition bounds the range an index on (case, at) reads; the second only
        # sorts out the rows of that one instant (as audit.selectors.events_before).
        ordered = ordered.filter(**{f"{at}__lte": cursor.at}).filter(
            Q(**{f"{at}__lt": cursor.at}) | Q(pk__lt=cursor.pk)
        )
    fetched = list(ordered[: size + 1])
    older = None
    if len(fetched) > size:
        last = fetched[size - 1]
        older = CaseListCursor(case.pk, name, getattr(last, at), last.pk)
    return fetched, older, cursor is None


def case_note_page(
    *, case: Case, before: str | None = None, size: int = CASE_NOTE_PAGE_SIZE
) -> CaseListPage[CaseNote]:
    """A page of the case's notes with their authors, newest first, after the cursor token
    ``before`` (see ``CaseListCursor``). One query."""
    notes = CaseNote.objects.filter(case=case).select_related("author")
    fetched, older, first = _case_list_rows(
        notes, case=case, name="notes", at="created_at", before=before, size=size
    )
    return CaseListPage(fetched[:size], older, first)


def case_transfer_page(
    *, case: Case, before: str | None = None, size: int = CASE_TRANSFER_PAGE_SIZE
) -> CaseListPage[Transfer]:
    """A page of the case's transfers (sent, accepted, declined) with the people and the
    market they name, newest first, after the cursor token ``before``. One query."""
    transfers = Transfer.objects.filter(case=case).select_related(
        "from_user", "to_user", "to_market", "decided_by"
    )
    fetched, older, first = _case_list_rows(
        transfers, case=case, name="transfers", at="created_at", before=before, size=size
    )
    return CaseListPage(fetched[:size], older, first)


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    """One django-simple-history record of the case: who changed which fields, when."""

    at: datetime
    user: User | None
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[FieldChange]


_TRACKED = ("state", "owner_id", "market_id", "station_id", "priority", "subject", "outcome")
# The tracked fields that name a row, and the name shown for it (read in the page's query).
_NAMED = {"owner_id": "owner", "market_id": "market", "station_id": "station"}


def case_history_page(
    *, case: Case, before: str | None = None, size: int = CASE_HISTORY_PAGE_SIZE
) -> CaseListPage[HistoryEntry]:
    """A page of the case's field-level history, newest first, after the cursor token
    ``before``, with names instead of ids. One query: the records with their user, owner,
    market and station, and the record before the page's oldest (what it changed is told
    against that one)."""
    records = case.history.select_related("history_user", *_NAMED.values())
    fetched, older, first = _case_list_rows(
        records, case=case, name="history", at="history_date", before=before, size=size
    )
    states = dict(State.choices)
    priorities = dict(Case.Priority.choices)

    def shown(record: Any, field: str) -> str:
        value = getattr(record, field)
        if value in (None, ""):
            return "—"
        if field == "state":
            return str(states.get(value, value))
        if field == "priority":
            return str(priorities.get(value, value))
        if field in _NAMED:
            named = getattr(record, _NAMED[field])  # None when the row has gone
            if named is None:
                return str(value)
            return str(named) if field == "owner_id" else str(named.name)
        return str(value)

    shown_records = fetched[:size]
    entries: list[HistoryEntry] = []
    for record, previous in zip(shown_records, [*fetched[1:], None], strict=False):
        changes = []
        for field in _TRACKED:
            new = getattr(record, field)
            if previous is None and new in (None, ""):
                continue
            if previous is None or getattr(previous, field) != new:
                label = str(Case._meta.get_field(field.removesuffix("_id")).verbose_name)
                old = shown(previous, field) if previous is not None else "—"
                changes.append(FieldChange(label, old, shown(record, field)))
        entries.append(
            HistoryEntry(record.history_date, record.history_user, record.history_type, changes)
        )
    return CaseListPage(entries, older, first)


# --- Lists ------------------------------------------------------------------------------------


def case_list_for_market(*, user: User, market_id: int, **criteria: Any) -> QuerySet[Case]:
    """The market's cases as its team lead sees them, newest first unless ``criteria`` name
    another sort, narrowed by ``criteria`` (the keywords of ``cases_filtered``)."""
    cases = case_list_visible_in_markets(user=user, market_ids=[market_id])
    return cases_filtered(cases, market_ids=[market_id], **criteria)


# The memo table of the stations' names (a list's station filter): renewed when a station
# changes (cases.receivers).
STATIONS = "stations"


def station_choices_for_markets(*, market_ids: Sequence[int]) -> list[tuple[int, str]]:
    """(id, name) of the service stations of these markets, by name: the choices of a case
    list's station filter, from this process's memory until a station changes (``sla.memo``,
    table ``STATIONS``), so a list page does not read them on every request."""
    markets = tuple(sorted(set(market_ids)))
    return memo.remembered(
        STATIONS,
        markets,
        lambda: list(
            ServiceStation.objects.filter(market_id__in=markets)
            .order_by("name", "pk")
            .values_list("pk", "name")
        ),
    )


# --- The event log ----------------------------------------------------------------------------


def audit_market_list(*, user: User) -> QuerySet[Market]:
    """Markets whose log the user may read: every market in an inspector's regions, and the
    markets a team lead leads."""
    led = [pk for pk, role in can.market_roles(user).items() if role == Role.TEAM_LEAD]
    condition = Q(pk__in=led)
    for membership in membership_list_for_user(user=user):
        if membership.role == Role.INSPECTOR and membership.region is not None:
            condition |= Q(region__code__startswith=membership.region.prefix)
    markets: QuerySet[Market] = (
        Market.objects.filter(condition).select_related("region").order_by("region__code", "name")
    )
    return markets


def audit_event_search_parts(
    *,
    user: User,
    market_ids: list[int],
    action: str = "",
    actor_username: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    case_reference: str = "",
) -> list[QuerySet[AuditEvent]]:
    """The event log's search as disjoint parts, each read newest first through an index
    (``audit.selectors.event_page`` merges them): one part, or for one case its own events
    and the reveals made from it, as its page reads them (an OR of the two would sort the
    whole trail for every page).

    Events of the given markets (already narrowed to those the user may read); dates are days
    in the display time zone, both inclusive; ``case_reference`` narrows to one case's trail.
    Each filter has an index led by its column (``AuditEvent.Meta``; the plans are in
    bench/README.md)."""
    events = AuditEvent.objects.filter(market_id__in=market_ids)
    if action:
        events = events.filter(action=action)
    if actor_username:
        events = events.filter(actor_label=actor_username)
    if date_from is not None:
        events = events.filter(occurred_at__gte=day_start(date_from))
    if date_to is not None:
        events = events.filter(occurred_at__lt=day_start(date_to + timedelta(days=1)))
    events = events.select_related("market").order_by("-occurred_at", "-pk")
    if not case_reference:
        return [events]
    case = Case.objects.filter(reference=case_reference).only("reference", "applicant").first()
    if case is None:
        return [events.none()]
    own, reveals = _case_event_conditions(case)
    return [events.filter(own), events.filter(reveals)]


def audit_event_search(
    *,
    user: User,
    market_ids: list[int],
    action: str = "",
    actor_username: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    case_reference: str = "",
) -> QuerySet[AuditEvent]:
    """The event log's search (as ``audit_event_search_parts``) as one list, newest first by
    (occurred_at, id): for an export, which reads it all."""
    first, *others = audit_event_search_parts(
        user=user,
        market_ids=market_ids,
        action=action,
        actor_username=actor_username,
        date_from=date_from,
        date_to=date_to,
        case_reference=case_reference,
    )
    events = first
    for part in others:
        events = events | part
    return events


@dataclass(frozen=True)
class ChainStatus:
    market: Market
    result: VerificationResult


def audit_chain_status_list(*, user: User) -> list[ChainStatus]:
    """Verification of every chain of the markets the user may read."""
    markets = {chain_key(m): m for m in audit_market_list(user=user)}
    return [
        ChainStatus(markets[chain], chain_verify(chain=chain))
        for chain in chain_list()
        if chain in markets
    ]
