"""The cluster tests' hands inside the cluster's database: run with the cluster's environment
(``scripts/cluster``'s env file), one sub-command a run, its answer one JSON object on stdout.

    python tests/cluster/cluster_django.py seed
    python tests/cluster/cluster_django.py reminder-due CASE_ID
    python tests/cluster/cluster_django.py reminders CASE_ID
    python tests/cluster/cluster_django.py attachments CASE_ID
    python tests/cluster/cluster_django.py intakes CASE_ID…

Records are made through the services, as the counter would make them (the factories of the
suite's conftest), so that the pages and the workers of the cluster find them whole.
"""

# ruff: noqa: E402  (Django must be set up before the project's modules are imported)

from __future__ import annotations

import json
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS.parent), str(TESTS)]

import django

django.setup()

from conftest import MarketFactory, case_make
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from cases.models import Case, CaseAttachment
from markets.models import Market, Membership, Role
from notifications.models import Notification, OutboxMessage
from sla.models import Alert, Deadline, Level, Reminder

PASSWORD = "Cluster-officer-2026!"  # a made-up officer of a throw-away cluster


def _officer_make(market: Market, name: str) -> tuple[User, str]:
    officer = User.objects.create_user(
        username=f"cluster-{secrets.token_hex(3)}",
        password=PASSWORD,
        full_name=name,
        password_changed_at=timezone.now(),
    )
    Membership.objects.create(user=officer, role=Role.OFFICER, market=market)
    key = secrets.token_hex(20)
    TOTPDevice.objects.create(user=officer, name="authenticator", confirmed=True, key=key)
    return officer, key


def _market_make() -> Market:
    return MarketFactory.create(name=f"集群测试零工市场{secrets.token_hex(3)}")


def seed() -> dict[str, Any]:
    """A market, an officer with a password and a confirmed authenticator, and a case of his
    in progress (with a deadline, as every case has)."""
    market = _market_make()
    officer, key = _officer_make(market, "集群测试员")
    case = case_make(officer, market=market)
    return {
        "username": officer.username,
        "password": PASSWORD,
        "totp_key": key,
        "market": market.pk,
        "case": case.pk,
        "reference": case.reference,
    }


def _deadlines(case_id: int) -> Any:
    return Deadline.objects.filter(subject_type="cases.case", subject_id=case_id)


def reminder_due(case_id: int) -> dict[str, Any]:
    """Make the case's warning due a minute ago: the next sweep reminds."""
    moment = timezone.now() - timedelta(minutes=1)
    running = _deadlines(case_id).filter(stopped_at__isnull=True)
    updated = Alert.objects.filter(deadline__in=running, level=Level.WARNING).update(at=moment)
    return {"deadlines": updated}


def reminders(case_id: int) -> dict[str, Any]:
    rows = Reminder.objects.filter(deadline__in=_deadlines(case_id))
    return {
        "reminders": rows.count(),
        "delivered": rows.filter(delivered_at__isnull=False).count(),
        "notifications": Notification.objects.filter(link__contains=f"/cases/{case_id}/").count(),
    }


def attachments(case_id: int) -> dict[str, Any]:
    rows = CaseAttachment.objects.filter(case_id=case_id).order_by("pk")
    return {"attachments": [{"id": a.pk, "name": a.file.name} for a in rows]}


def intakes(*case_ids: int) -> dict[str, Any]:
    """Of these cases: how many are in the database, and how many of their "request
    accepted" text messages have been sent."""
    keys = [f"case-received:{pk}" for pk in case_ids]
    messages = OutboxMessage.objects.filter(idempotency_key__in=keys)
    return {
        "cases": Case.objects.filter(pk__in=case_ids).count(),
        "sent": messages.filter(status=OutboxMessage.Status.SENT).count(),
    }


def _resident_id(number: int) -> str:
    """A well-formed resident ID number (GB 11643 check digit), one per ``number``."""
    month, day, sequence = number % 12 + 1, number // 12 % 28 + 1, number // 336 % 1000
    body = f"4501031985{month:02d}{day:02d}{sequence:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def people(first: int, count: int) -> dict[str, Any]:
    """``count`` people to take in at the counter: a name, an ID number, a mobile."""
    numbers = range(first, first + count)
    return {"people": [["韦压测", _resident_id(n), f"137{n:08d}"] for n in numbers]}


def load_plan(users: int, first: int) -> dict[str, Any]:
    """The plan bench/load/locustfile.py reads (as bench/load/run.py writes it), for ``users``
    officers over two markets, each with two cases of their own in progress; the people they
    take in are numbered from ``first`` (distinct between plans)."""
    markets = [_market_make(), _market_make()]
    officers = [_officer_make(markets[n % 2], f"集群压测员{n}") for n in range(users)]
    entries = []
    for index, (officer, key) in enumerate(officers):
        market = markets[index % 2]
        own = [case_make(officer, market=market).pk for _ in range(2)]
        start = first + index * 200
        entries.append(
            {
                "username": officer.username,
                "password": PASSWORD,
                "totp_key": key,
                "market": market.pk,
                "own_cases": own,
                "market_cases": own,
                "people": people(start, 200)["people"],
                "transfer_to": [
                    [markets[(index + 1) % 2].pk, other.pk]
                    for n, (other, _) in enumerate(officers)
                    if n % 2 != index % 2
                ],
            }
        )
    return {
        "officers": entries,
        "kind": "policy_consultation",
        "wait": [0.5, 1.5],
        "search_terms": ["韦压测", "灵活就业"],
    }


COMMANDS = {
    "seed": seed,
    "people": people,
    "load-plan": load_plan,
    "reminder-due": reminder_due,
    "reminders": reminders,
    "attachments": attachments,
    "intakes": intakes,
}

if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    print(json.dumps(COMMANDS[command](*map(int, arguments))))  # type: ignore[operator]
