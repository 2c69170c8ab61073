"""One function per business event of the notice board and the staff training records, each
writing one row of the event log (audit) inside the service's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accounts.models import User
from audit.models import AuditEvent
from audit.services import event_record

from .models import CaseCitation, NoticeBlock, PolicyArticle, StaffTraining


def _article_values(article: PolicyArticle) -> dict[str, Any]:
    return {
        "title": article.title,
        "document_number": article.document_number,
        "region": article.region.code if article.region else None,
        "published_on": article.published_on,
        "archived_on": article.archived_on,
    }


def policy_article_published_event(article: PolicyArticle, actor: User) -> AuditEvent:
    return event_record(
        action="policy_article.published",
        actor=actor,
        target=article,
        market=article.market,
        new_values=_article_values(article),
    )


def policy_article_changed_event(
    article: PolicyArticle,
    actor: User,
    *,
    old_values: Mapping[str, Any],
    new_values: Mapping[str, Any],
) -> AuditEvent:
    return event_record(
        action="policy_article.changed",
        actor=actor,
        target=article,
        market=article.market,
        old_values=old_values,
        new_values=new_values,
    )


def policy_article_archived_event(article: PolicyArticle, actor: User) -> AuditEvent:
    return event_record(
        action="policy_article.archived",
        actor=actor,
        target=article,
        market=article.market,
        new_values=_article_values(article),
    )


def notice_block_set_event(block: NoticeBlock, actor: User, *, created: bool) -> AuditEvent:
    return event_record(
        action="notice_block.set",
        actor=actor,
        target=block,
        market=block.market,
        new_values={"kind": block.kind, "created": created, "length": len(block.body)},
    )


def case_policy_cited_event(citation: CaseCitation, actor: User) -> AuditEvent:
    case = citation.case
    return event_record(
        action="case.policy_cited",
        actor=actor,
        target=case,
        market=case.market,
        new_values={
            "reference": case.reference,
            "state": case.state,
            "article_id": citation.article_id,
            "article": citation.article.title,
            "document_number": citation.article.document_number,
        },
    )


def staff_training_recorded_event(training: StaffTraining, actor: User) -> AuditEvent:
    return event_record(
        action="staff_training.recorded",
        actor=actor,
        target=training,
        market=training.market,
        new_values={
            "user_id": training.user_id,
            "title": training.title,
            "provider": training.provider,
            "date": training.date,
            "hours": training.hours,
        },
    )
