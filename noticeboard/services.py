"""State changes of the notice board and the staff training records. Each service checks the
actor's right, validates (``ValidationError`` per field), saves, and writes its audit event in
one transaction. Rich text is cleaned to the allow-list before it is saved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import permissions as can
from cases.kinds import POLICY_CONSULTATION
from cases.models import Case
from markets.models import Market, Membership, Region, Role

from . import events
from .models import CaseCitation, NoticeBlock, PolicyArticle, StaffTraining
from .sanitise import rich_text_clean
from .selectors import policy_article_list_for_board

ARTICLE_FIELDS = (
    "title",
    "body",
    "issuing_body",
    "document_number",
    "published_on",
    "source_url",
    "region",
)


def _lead_required(actor: User, market: Market) -> None:
    if not can.leads(actor, market.pk):
        raise PermissionDenied(_("Only a team lead of the market may change its notice board."))


def _body_required(body: str, field: str = "body") -> str:
    cleaned = rich_text_clean(body)
    if not cleaned:
        raise ValidationError({field: _("Write the text.")})
    return cleaned


def _plain(value: object) -> object:
    """A region by its code, for the log."""
    return value.code if isinstance(value, Region) else value


def _article_save(article: PolicyArticle) -> None:
    if article.region is not None and not article.region.contains(article.market.region):
        raise ValidationError(
            {"region": _("A region-wide policy must be for a region the market belongs to.")}
        )
    article.full_clean()
    article.save()


@transaction.atomic
def policy_article_create(
    *,
    actor: User,
    market: Market,
    title: str,
    body: str,
    issuing_body: str,
    published_on: date,
    document_number: str = "",
    source_url: str = "",
    region_wide: bool = False,
) -> PolicyArticle:
    """Publish a policy on the board of ``market`` (and, ``region_wide``, of every market in
    the market's region)."""
    _lead_required(actor, market)
    article = PolicyArticle(
        market=market,
        region=market.region if region_wide else None,
        title=title.strip(),
        body=_body_required(body),
        issuing_body=issuing_body.strip(),
        document_number=document_number.strip(),
        published_on=published_on,
        source_url=source_url.strip(),
        created_by=actor,
    )
    _article_save(article)
    events.policy_article_published_event(article, actor)
    return article


@transaction.atomic
def policy_article_update(
    *,
    actor: User,
    article: PolicyArticle,
    title: str,
    body: str,
    issuing_body: str,
    published_on: date,
    document_number: str = "",
    source_url: str = "",
    region_wide: bool = False,
) -> PolicyArticle:
    """Change a policy's text or particulars; no change, no event."""
    article = (
        PolicyArticle.objects.select_for_update()
        .select_related("market__region")
        .get(pk=article.pk)
    )
    _lead_required(actor, article.market)
    new = {
        "title": title.strip(),
        "body": _body_required(body),
        "issuing_body": issuing_body.strip(),
        "document_number": document_number.strip(),
        "published_on": published_on,
        "source_url": source_url.strip(),
        "region": article.market.region if region_wide else None,
    }
    old = {name: getattr(article, name) for name in ARTICLE_FIELDS}
    changed = {name: old[name] for name in ARTICLE_FIELDS if old[name] != new[name]}
    if not changed:
        return article
    for name, value in new.items():
        setattr(article, name, value)
    _article_save(article)
    events.policy_article_changed_event(
        article,
        actor,
        old_values={name: _plain(value) for name, value in changed.items()},
        new_values={name: _plain(new[name]) for name in changed},
    )
    return article


@transaction.atomic
def policy_article_archive(
    *, actor: User, article: PolicyArticle, on: date | None = None
) -> PolicyArticle:
    """Move a policy to the archive (历史政策) from ``on`` (today by default). An archived
    policy stays on the board, under the archive, with its dates."""
    article = PolicyArticle.objects.select_for_update().select_related("market").get(pk=article.pk)
    _lead_required(actor, article.market)
    day = on or timezone.localdate()
    if article.archived_on is not None and article.archived_on <= day:
        return article
    if day < article.published_on:
        raise ValidationError(
            {"archived_on": _("A policy cannot be archived before it was published.")}
        )
    article.archived_on = day
    article.save(update_fields=["archived_on"])
    events.policy_article_archived_event(article, actor)
    return article


@transaction.atomic
def notice_block_set(*, actor: User, market: Market, kind: str, body: str) -> NoticeBlock:
    """Set a market's start-up, service-rules or complaint-channels text. An empty text
    brings back the page's default (start-up: nothing shown)."""
    _lead_required(actor, market)
    if kind not in NoticeBlock.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of text.")})
    cleaned = rich_text_clean(body)
    block = NoticeBlock.objects.select_for_update().filter(market=market, kind=kind).first()
    created = block is None
    if block is None:
        block = NoticeBlock(market=market, kind=kind, updated_by=actor)
    elif block.body == cleaned:
        return block
    block.body = cleaned
    block.updated_by = actor
    block.updated_at = timezone.now()
    block.full_clean()
    block.save()
    events.notice_block_set_event(block, actor, created=created)
    return block


@transaction.atomic
def policy_article_cite(*, actor: User, case: Case, article: PolicyArticle) -> CaseCitation:
    """Cite a policy of the case's market board on a policy consultation case (政策咨询),
    by someone who may work on the case."""
    case = Case.objects.select_for_update().select_related("market__region").get(pk=case.pk)
    if case.kind != POLICY_CONSULTATION.code:
        raise ValidationError(
            {"case": _("Only a policy consultation case can cite a policy article.")}
        )
    if not can.work_on(case, actor):
        raise PermissionDenied(_("Only the case's owner or a team lead may cite a policy."))
    if not policy_article_list_for_board(market=case.market).filter(pk=article.pk).exists():
        raise ValidationError({"article": _("Choose a policy on this market's notice board.")})
    if CaseCitation.objects.filter(case=case, article=article).exists():
        raise ValidationError({"article": _("This case cites this policy already.")})
    citation = CaseCitation.objects.create(case=case, article=article, cited_by=actor)
    events.case_policy_cited_event(citation, actor)
    return citation


@transaction.atomic
def staff_training_record(
    *,
    actor: User,
    market: Market,
    user: User,
    title: str,
    provider: str,
    date: date,
    hours: Decimal,
    certificate: str = "",
    note: str = "",
) -> StaffTraining:
    """Record a training taken by a member of staff of ``market`` (standard art. 28); a team
    lead of the market records it."""
    if not can.leads(actor, market.pk):
        raise PermissionDenied(_("Only a team lead of the market records its staff's training."))
    works_there = Membership.objects.filter(
        user=user, market=market, role__in=[Role.OFFICER, Role.TEAM_LEAD]
    ).exists()
    if not works_there:
        raise ValidationError({"user": _("Choose a member of staff of this market.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("A training is recorded once it has taken place.")})
    training = StaffTraining(
        user=user,
        market=market,
        title=title.strip(),
        provider=provider.strip(),
        date=date,
        hours=hours,
        certificate=certificate.strip(),
        note=note.strip(),
        recorded_by=actor,
    )
    training.full_clean()
    training.save()
    events.staff_training_recorded_event(training, actor)
    return training
