"""Helpers shared by the SLA tests (限时办结), as plain functions (see
``tests/audit/audit_support.py`` for why not a conftest).

Times are wall-clock in Shanghai. The market of the ``officer`` fixture opens 08:30–12:00 and
14:30–17:30 (``MarketFactory``): a working day has 6.5 working hours.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from conftest import SHANGHAI, UserFactory
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import QuerySet

from accounts.models import User
from cases.models import Case, ChecklistItem, NoticeItem
from cases.services import case_receive_materials, case_request_materials
from markets.models import Market, Membership, Role
from notifications.models import Notification
from sla.models import Deadline, Target


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def deadline_of(case: Case, target: str = Target.COMPLETION) -> Deadline:
    return Deadline.objects.get(subject_type="cases.case", subject_id=case.pk, target=target)


def alerts_of(deadline: Deadline) -> list[tuple[str, datetime]]:
    """The reminders still to come of a clock: (level, time), soonest first."""
    return list(deadline.alerts.order_by("at", "pk").values_list("level", "at"))


def materials_request(actor: User, case: Case) -> list[NoticeItem]:
    """Issue the single notice for two items of the kind's checklist: the case waits."""
    items = list(ChecklistItem.objects.filter(kind=case.kind, is_active=True)[:2])
    assert len(items) == 2
    notice = case_request_materials(actor=actor, case=case, items=items)
    return list(notice.items.all())


def materials_receive(actor: User, case: Case, items: list[NoticeItem]) -> Case:
    return case_receive_materials(actor=actor, case=case, items=items)


def staff_make(username: str, role: Role, **scope: Any) -> User:
    user = UserFactory.create(username=username)
    Membership.objects.create(user=user, role=role, **scope)
    return user


def second_officer(market: Market) -> User:
    return staff_make("officer2", Role.OFFICER, market=market)


def notifications_about(deadline: Deadline, level: str) -> QuerySet[Notification]:
    """The in-app notifications the case's due handler sent for one level of one deadline."""
    return Notification.objects.filter(key__startswith=f"sla:{deadline.pk}:{level}:")


def migrate_to(targets: list[tuple[str, str]]) -> Any:
    """Migrate the test database to ``targets``; returns the models as they are there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@contextmanager
def migrated_back_to(targets: list[tuple[str, str]]) -> Iterator[Any]:
    """Within the block the database is at ``targets`` (the models as they were there); every
    migration is applied again after it. For a transactional test of a migration."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    yield migrate_to(targets)
    migrate_to(latest)
