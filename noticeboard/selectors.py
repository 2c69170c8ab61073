"""Reads of the notice board and the staff training records. The board's reads are public:
nothing here returns a person's data (an article's author is not shown)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from cases.kinds import KINDS
from cases.models import Case, Channel, ChecklistItem
from markets.models import Market, Membership, Role
from sla.models import Policy, Target
from sla.selectors import PublishedLimit, policy_published_for_market

from .models import CaseCitation, NoticeBlock, PolicyArticle, StaffTraining

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def region_codes_upwards(code: str) -> list[str]:
    """``"450103"`` -> ``["450103", "450100", "450000"]``: a region and those above it."""
    return list(dict.fromkeys([code, code[:4] + "00", code[:2] + "0000"]))


def policy_article_list_for_board(*, market: Market) -> QuerySet[PolicyArticle]:
    """Every policy on a market's board: its own, and the region-wide ones of any region the
    market is in (by division-code prefix). Current and archived alike; newest first."""
    articles: QuerySet[PolicyArticle] = PolicyArticle.objects.filter(
        Q(market=market, region__isnull=True)
        | Q(region__code__in=region_codes_upwards(market.region.code))
    ).select_related("region", "market")
    return articles


def policy_article_list_current(
    *, market: Market, on: date | None = None
) -> QuerySet[PolicyArticle]:
    day = on or timezone.localdate()
    return policy_article_list_for_board(market=market).filter(
        Q(archived_on__isnull=True) | Q(archived_on__gt=day), published_on__lte=day
    )


def policy_article_list_archived(
    *, market: Market, on: date | None = None
) -> QuerySet[PolicyArticle]:
    day = on or timezone.localdate()
    return policy_article_list_for_board(market=market).filter(archived_on__lte=day)


def policy_article_list_maintained(*, market: Market) -> QuerySet[PolicyArticle]:
    """The policies a market maintains (its own and the region-wide ones it issued)."""
    articles: QuerySet[PolicyArticle] = PolicyArticle.objects.filter(market=market).select_related(
        "region", "market"
    )
    return articles


def notice_block_map(*, market: Market) -> dict[str, NoticeBlock]:
    """{kind: block} of a market's texts that are set (not empty)."""
    return {
        block.kind: block for block in NoticeBlock.objects.filter(market=market).exclude(body="")
    }


def case_citation_list(*, case: Case) -> QuerySet[CaseCitation]:
    citations: QuerySet[CaseCitation] = CaseCitation.objects.filter(case=case).select_related(
        "article", "cited_by"
    )
    return citations


def staff_training_list_visible_to(*, user: User) -> QuerySet[StaffTraining]:
    """Training records a user may read: their own, every record of the markets they lead,
    and, for inspectors, every record of the markets in their regions."""
    memberships = list(Membership.objects.filter(user=user).select_related("region"))
    condition = Q(user=user)
    led = [m.market_id for m in memberships if m.role == Role.TEAM_LEAD and m.market_id]
    if led:
        condition |= Q(market_id__in=led)
    for membership in memberships:
        if membership.role == Role.INSPECTOR and membership.region is not None:
            condition |= Q(market__region__code__startswith=membership.region.prefix)
    trainings: QuerySet[StaffTraining] = StaffTraining.objects.filter(condition).select_related(
        "user", "market", "recorded_by"
    )
    return trainings


def staff_list_of_market(*, market: Market) -> QuerySet[User]:
    """The officers and team leads of a market, for the training form."""
    return (
        User.objects.filter(
            memberships__market=market,
            memberships__role__in=[Role.OFFICER, Role.TEAM_LEAD],
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


# --- Time limits and materials of each service (服务时限和材料清单公示) ---------------------------


@dataclass(frozen=True)
class BoardLimit:
    """A published time limit: the one for every channel (``policy``) and those of channels
    that differ from it (``by_channel``: the channel's name and its policy)."""

    policy: Policy | None
    by_channel: list[tuple[StrOrPromise, Policy]]


def _board_limit(published: PublishedLimit | None) -> BoardLimit | None:
    if published is None:
        return None
    labels = dict(Channel.choices)
    return BoardLimit(
        policy=published.policy,
        by_channel=[
            (labels.get(channel, channel), policy) for channel, policy in published.by_channel
        ],
    )


@dataclass(frozen=True)
class BoardService:
    """One service on the board: its time limits for acceptance and completion and the
    materials it may ask for, read from the very SLA policies (``sla.Policy``) and checklist
    (``cases.ChecklistItem``) the cases run on: the board cannot say otherwise."""

    kind: str
    label: StrOrPromise
    acceptance: BoardLimit | None
    completion: BoardLimit | None
    materials: list[ChecklistItem]


def service_list_for_board(*, market: Market) -> list[BoardService]:
    """Every kind of service with a time limit in force at ``market`` or a checklist item in
    use, in the order the services were registered; three queries whatever their number."""
    acceptance = policy_published_for_market(market=market, target=Target.ACCEPTANCE)
    completion = policy_published_for_market(market=market, target=Target.COMPLETION)
    materials: dict[str, list[ChecklistItem]] = {}
    for item in ChecklistItem.objects.filter(is_active=True, kind__in=list(KINDS)):
        materials.setdefault(item.kind, []).append(item)
    return [
        BoardService(
            kind=code,
            label=kind.label,
            acceptance=_board_limit(acceptance.get(code)),
            completion=_board_limit(completion.get(code)),
            materials=materials.get(code, []),
        )
        for code, kind in KINDS.items()
        if code in acceptance or code in completion or code in materials
    ]
