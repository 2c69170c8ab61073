"""Anchoring the chains' heads outside the database, key rotation, and the checks against both."""

from __future__ import annotations

import base64
import importlib
import json
import os
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from audit_support import append_only_lifted, market_make, rows, user_make
from celery.schedules import crontab
from django.apps import apps as django_apps
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from pytest_django.fixtures import Settings

from accounts.models import User
from audit.anchors import anchor_path
from audit.chain import event_hash, mac_keys
from audit.checks import audit_settings_check
from audit.models import AuditChainHead, AuditEvent
from audit.selectors import anchor_file_verify, chain_verify
from audit.services import chain_heads_anchor, event_record
from audit.tasks import anchor_audit_chains, verify_audit_chains
from markets.models import Role
from notifications.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db
CaptureOnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def anchor_lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in anchor_path().read_text().splitlines()]


def anchor_lines_write(lines: list[dict[str, Any]]) -> None:
    """Rewrite the anchor file, as only someone who can reach its directory could."""
    text = "".join(json.dumps(line, sort_keys=True, separators=(",", ":")) + "\n" for line in lines)
    anchor_path().write_text(text)


@pytest.fixture
def auditor() -> User:
    return user_make("auditor", email="auditor@example.gov.cn", role=Role.AUDIT_ADMIN)


# --- Writing anchors -----------------------------------------------------------------------------


def test_anchoring_writes_one_signed_line_per_chain_head_and_leaves_an_event(
    auditor: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    market = market_make()
    market_events = [event_record(action="test.m", market=market) for _ in range(3)]
    global_event = event_record(action="test.g")

    with django_capture_on_commit_callbacks(execute=False):
        anchoring = chain_heads_anchor(actor=auditor)

    lines = anchor_lines()
    assert [(line["chain"], line["market"], line["sequence"], line["mac"]) for line in lines] == [
        ("global", None, global_event.sequence, global_event.hash),
        (f"market:{market.pk}", market.pk, 3, market_events[-1].hash),
    ]
    assert {line["key"] for line in lines} == {mac_keys()[0][0]}
    assert all(len(line["sig"]) == 64 for line in lines)
    assert Path(anchoring.path) == anchor_path()
    assert anchor_path().parent == Path(settings.AUDIT_ANCHOR_DIR)
    # The trail: the anchoring is itself an event, after the heads it anchored.
    [event] = rows("audit.chains_anchored")
    assert (event.chain, event.sequence, event.actor) == (
        "global",
        global_event.sequence + 1,
        auditor,
    )
    assert event.new_values["chains"] == 2
    assert event.new_values["file"] == str(anchor_path())
    assert chain_verify(chain="global").ok


def test_the_audit_administrators_get_the_heads_by_mail_and_in_the_bell(
    auditor: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    user_make("quiet.auditor", role=Role.AUDIT_ADMIN)  # no e-mail address: the bell only
    user_make("officer", email="officer@example.gov.cn", role=Role.OFFICER, market=market_make())
    head = event_record(action="test.g")

    with django_capture_on_commit_callbacks(execute=False):
        chain_heads_anchor()

    [message] = OutboxMessage.objects.all()
    assert (message.channel, message.to) == ("email", "auditor@example.gov.cn")
    assert "审计日志" in message.subject
    assert f"global  #{head.sequence}  {head.hash}" in message.body
    assert str(anchor_path()) in message.body
    recipients = sorted(n.recipient.username for n in Notification.objects.all())
    assert recipients == ["auditor", "quiet.auditor"]


def test_anchoring_again_appends_and_never_rewrites_a_line() -> None:
    event_record(action="test.g")
    chain_heads_anchor()
    first = anchor_path().read_bytes()
    event_record(action="test.g")

    chain_heads_anchor()

    assert anchor_path().read_bytes().startswith(first)
    assert [line["sequence"] for line in anchor_lines()] == [1, 3]


def test_the_anchor_file_is_opened_for_appending_only(monkeypatch: pytest.MonkeyPatch) -> None:
    event_record(action="test.g")
    opened: list[int] = []
    real_open = os.open

    def spy(path: Any, flags: int, *args: Any) -> int:
        if str(path) == str(anchor_path()):
            opened.append(flags)
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", spy)

    chain_heads_anchor()

    [flags] = opened
    assert flags & os.O_APPEND
    assert not flags & (os.O_TRUNC | os.O_RDWR)


def test_nothing_is_anchored_before_any_chain_exists() -> None:
    out = StringIO()
    call_command("anchor_audit", stdout=out)

    assert "No audit chains to anchor yet." in out.getvalue()
    assert not anchor_path().exists()
    assert not rows()


def test_the_anchor_command_and_task_anchor_every_chain() -> None:
    event_record(action="test.m", market=market_make())
    event_record(action="test.g")
    out = StringIO()

    call_command("anchor_audit", stdout=out)
    anchored = anchor_audit_chains.apply().get()

    assert "Anchored 2 chains in" in out.getvalue()
    assert anchored == 2
    assert len(anchor_lines()) == 4


def test_a_failed_anchoring_alerts_the_audit_administrators_once_a_day(
    auditor: User, settings: Settings, tmp_path: Path
) -> None:
    event_record(action="test.g")
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.AUDIT_ANCHOR_DIR = blocker  # the anchor file cannot be created under a file

    for _run in range(2):
        with pytest.raises(OSError):
            anchor_audit_chains.apply(throw=True)

    assert len(rows("audit.anchoring_failed")) == 2
    event = rows("audit.anchoring_failed")[0]
    assert event.success is False
    assert "FileExistsError" in event.new_values["error"]
    [message] = OutboxMessage.objects.all()
    assert message.to == "auditor@example.gov.cn"
    assert "审计日志锚定失败" in message.subject
    assert "manage.py anchor_audit" in message.body
    assert Notification.objects.filter(recipient=auditor).count() == 1


def test_anchoring_is_scheduled_daily_before_the_nightly_check() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["audit-anchor-chains"]
    check = settings.CELERY_BEAT_SCHEDULE["audit-verify-chains"]

    assert entry["task"] == anchor_audit_chains.name
    assert entry["schedule"] == crontab(hour=2, minute=15)
    assert check["schedule"] == crontab(hour=2, minute=30)


# --- The anchor file's own integrity ------------------------------------------------------------


def test_an_altered_anchor_line_is_reported() -> None:
    event_record(action="test.g")
    chain_heads_anchor()
    lines = anchor_lines()
    lines[0]["sequence"] = 7  # as if the log had once been longer
    anchor_lines_write(lines)

    result = anchor_file_verify()
    err = StringIO()
    with pytest.raises(CommandError, match="audit chains are broken"):
        call_command("verify_audit", stdout=StringIO(), stderr=err)

    assert result.broken is not None
    assert result.broken.sequence == 1  # the line number
    assert "signature does not match the line" in result.broken.reason
    assert "BROKEN anchor file: line 1 of" in err.getvalue()
    with pytest.raises(CommandError, match="the anchor file is broken; 0 of 0 audit"):
        call_command("verify_audit", "--chain", "anchor-file", stdout=StringIO(), stderr=err)
    # A line that cannot be trusted vouches for nothing.
    assert chain_verify(chain="global").anchored_sequence == 0


def test_an_anchor_line_forged_without_the_key_is_reported() -> None:
    event_record(action="test.g")
    chain_heads_anchor()
    forged = {**anchor_lines()[0], "key": "00000000", "sequence": 9}
    with anchor_path().open("a") as file:
        file.write(json.dumps(forged) + "\n")
    with anchor_path().open("a") as file:
        file.write("{torn line\n")

    book_faults = anchor_file_verify()

    assert book_faults.broken is not None
    assert "signed with key 00000000, which is not in AUDIT_MAC_KEYS" in book_faults.broken.reason
    assert book_faults.events_checked == 1


def test_the_nightly_check_alerts_on_a_removed_chain_and_on_a_tampered_anchor_file(
    auditor: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    market = market_make()
    chain = event_record(action="test.m", market=market).chain
    event_record(action="test.g")
    chain_heads_anchor()
    with append_only_lifted():
        AuditEvent.objects.filter(chain=chain).delete()
    AuditChainHead.objects.filter(chain=chain).delete()
    with anchor_path().open("a") as file:
        file.write("not an anchor\n")

    with django_capture_on_commit_callbacks(execute=True):
        broken = verify_audit_chains.apply().get()

    assert broken == 2
    subjects = sorted(message.subject for message in mail.outbox)
    # Each in its own words: the chain's break, and the anchor file's bad line by its number.
    assert subjects == sorted(
        [f"审计日志完整性校验未通过：哈希链 {chain}", "审计锚定文件校验未通过：第 3 行不可信"]
    )
    alerted = {event.new_values["chain"] for event in rows("audit.chain_broken")}
    assert alerted == {chain, "anchor-file"}


# --- Key rotation --------------------------------------------------------------------------------


def test_a_new_key_put_first_seals_new_rows_while_old_rows_and_anchors_still_verify(
    settings: Settings,
) -> None:
    old_key_id = mac_keys()[0][0]
    old = event_record(action="test.old")
    chain_heads_anchor()
    settings.AUDIT_MAC_KEYS = [new_key(), *settings.AUDIT_MAC_KEYS]

    new = event_record(action="test.new")
    chain_heads_anchor()

    assert old.mac_key_id == old_key_id
    assert new.mac_key_id == mac_keys()[0][0] != old_key_id
    assert [line["key"] for line in anchor_lines()] == [old_key_id, new.mac_key_id]
    assert anchor_file_verify().ok
    result = chain_verify(chain="global")
    assert result.ok
    assert result.anchored_sequence == 3


def test_a_row_under_a_key_no_longer_configured_is_reported(settings: Settings) -> None:
    event = event_record(action="test.old")
    chain_heads_anchor()

    settings.AUDIT_MAC_KEYS = [new_key()]

    result = chain_verify(chain="global")
    assert result.broken is not None
    assert result.broken.event_id == event.pk
    assert f"sealed with key '{event.mac_key_id}', which is not in AUDIT_MAC_KEYS" in (
        result.broken.reason
    )
    file_result = anchor_file_verify()
    assert file_result.broken is not None
    assert "keep retired keys configured" in file_result.broken.reason


def test_keys_that_are_not_32_bytes_of_base64url_fail_the_system_checks_and_sealing() -> None:
    from django.core.exceptions import ImproperlyConfigured

    for keys in ([], ["c2hvcnQ="], ["not base64!"]):
        with override_settings(AUDIT_MAC_KEYS=keys):
            with pytest.raises(ImproperlyConfigured):
                event_record(action="test.g")
            assert [error.id for error in audit_settings_check()] == ["audit.E001"]
    assert audit_settings_check() == []
    with override_settings(AUDIT_ANCHOR_DIR=None):
        assert [error.id for error in audit_settings_check()] == ["audit.E002"]


# --- Rows from before keys existed -------------------------------------------------------------


def _unkeyed_row_append(chain: str = "global") -> AuditEvent:
    """A row sealed the old way (plain SHA-256, no key id), as written before the upgrade."""
    head = AuditChainHead.objects.get(chain=chain)
    event = AuditEvent.objects.create(
        action="test.legacy",
        chain=chain,
        sequence=head.last_sequence + 1,
        prev_hash=head.last_hash,
        mac_key_id="",
    )
    event.hash = event_hash(event)
    with append_only_lifted():
        AuditEvent.objects.filter(pk=event.pk).update(hash=event.hash)
    AuditChainHead.objects.filter(pk=head.pk).update(
        last_sequence=event.sequence, last_hash=event.hash
    )
    return event


def _chain_start_unkeyed() -> list[AuditEvent]:
    AuditChainHead.objects.create(chain="global")
    return [_unkeyed_row_append() for _ in range(2)]


def test_rows_from_before_keys_verify_once_an_anchor_vouches_for_them() -> None:
    legacy = _chain_start_unkeyed()
    unanchored = chain_verify(chain="global")

    chain_heads_anchor()  # as migration 0004 does at the upgrade
    event_record(action="test.keyed")

    assert unanchored.broken is not None
    assert unanchored.broken.event_id == legacy[0].pk
    assert "no anchor vouches for" in unanchored.broken.reason
    result = chain_verify(chain="global")
    assert result.ok
    assert result.events_checked == 4


def test_the_upgrade_migration_anchors_the_chains_it_finds() -> None:
    legacy = _chain_start_unkeyed()
    migration = importlib.import_module("audit.migrations.0004_keyed_event_seals_and_anchors")

    migration.anchor_existing_chains(django_apps, SimpleNamespace(connection=connection))

    [line] = anchor_lines()
    assert (line["chain"], line["sequence"], line["mac"]) == ("global", 2, legacy[-1].hash)
    assert chain_verify(chain="global").ok


def test_a_row_without_a_key_after_keyed_rows_is_reported() -> None:
    _chain_start_unkeyed()
    chain_heads_anchor()
    event_record(action="test.keyed")
    forged = _unkeyed_row_append()

    result = chain_verify(chain="global")

    assert result.broken is not None
    assert result.broken.event_id == forged.pk
    assert "after rows sealed with one" in result.broken.reason
