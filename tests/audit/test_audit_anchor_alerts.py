"""Anchoring that silently stops is reported, and the anchor file's own problems are told in
their own words: each bad line by number and what is wrong with it, or that the file cannot
be read."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from audit_support import market_make, rows, user_make
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import translation
from pytest_django.fixtures import Settings

from accounts.models import User
from audit.anchors import anchor_path
from audit.checks import audit_settings_check
from audit.models import AuditChainHead
from audit.selectors import anchor_max_age, anchoring_overdue_list
from audit.services import chain_heads_anchor, event_record
from audit.tasks import verify_audit_chains
from markets.models import Role
from notifications.models import Notification

pytestmark = pytest.mark.django_db
CaptureOnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]

SHANGHAI = ZoneInfo("Asia/Shanghai")
ANCHORED_AT = datetime(2026, 3, 2, 2, 15, tzinfo=SHANGHAI)  # the nightly anchoring's time
HOUR = timedelta(hours=1)


@pytest.fixture
def auditor() -> User:
    return user_make("auditor", email="auditor@example.gov.cn", role=Role.AUDIT_ADMIN)


def run_check(capture: CaptureOnCommit) -> int:
    with capture(execute=True):
        return verify_audit_chains.apply().get()


def head(chain: str) -> int:
    return AuditChainHead.objects.get(chain=chain).last_sequence


def verify_audit_errors() -> str:
    """verify_audit's error output; it must fail."""
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=StringIO(), stderr=err)
    return err.getvalue()


# --- Anchoring that has stopped ------------------------------------------------------------------


def test_verify_audit_reports_rows_after_an_anchor_older_than_the_max_age() -> None:
    with time_machine.travel(ANCHORED_AT, tick=False) as traveller:
        market = market_make()
        event_record(action="test.m", market=market)
        event_record(action="test.g")
        global_anchored = head("global")
        chain_heads_anchor()  # line 1: global, line 2: the market
        traveller.shift(HOUR)
        event_record(action="test.m", market=market)  # the market's row 2, after its anchor
        traveller.shift(34 * HOUR)  # 35 hours after the anchoring: not overdue yet

        out = StringIO()
        call_command("verify_audit", stdout=out, stderr=StringIO())
        assert "OK: 2 chains verified" in out.getvalue()

        traveller.shift(2 * HOUR)  # 37 hours after it
        err = StringIO()
        with pytest.raises(CommandError, match="anchoring is overdue for 2 of 2 audit chains"):
            call_command("verify_audit", stdout=StringIO(), stderr=err)

    assert (
        f"OVERDUE market:{market.pk}: sequences 2 to 2 are not anchored; last anchored on "
        "2026-03-02 02:15:00 CST (anchor file line 2, up to sequence 1), more than 36 hours "
        "ago (AUDIT_ANCHOR_MAX_AGE_HOURS)"
    ) in err.getvalue()
    # The anchoring's own event follows the global chain's anchor.
    assert (
        f"OVERDUE global: sequences {global_anchored + 1} to {head('global')} are not anchored; "
        f"last anchored on 2026-03-02 02:15:00 CST (anchor file line 1, up to sequence "
        f"{global_anchored})"
    ) in err.getvalue()
    assert "BROKEN" not in err.getvalue()


def test_a_chain_whose_rows_are_all_anchored_is_never_overdue_and_the_age_is_a_setting(
    settings: Settings,
) -> None:
    with time_machine.travel(ANCHORED_AT, tick=False) as traveller:
        market = market_make()
        event_record(action="test.m", market=market)
        chain_heads_anchor()  # anchors the market only: the global chain begins after it
        traveller.shift(37 * HOUR)

        # The market's rows are all anchored, however old the anchor. The global chain, begun
        # with the anchoring's own event, is measured from the anchor file's newest line.
        [overdue] = anchoring_overdue_list()
        assert (overdue.chain, overdue.anchor, overdue.since) == ("global", None, ANCHORED_AT)
        assert (overdue.first_unanchored, overdue.last_sequence) == (1, head("global"))
        assert f"market:{market.pk}" not in verify_audit_errors()

        settings.AUDIT_ANCHOR_MAX_AGE_HOURS = 48
        assert anchoring_overdue_list() == []
        traveller.shift(12 * HOUR)  # 49 hours
        assert [item.chain for item in anchoring_overdue_list()] == ["global"]

    del settings.AUDIT_ANCHOR_MAX_AGE_HOURS
    assert anchor_max_age() == timedelta(hours=36)
    for wrong in (0, -1, "36"):
        settings.AUDIT_ANCHOR_MAX_AGE_HOURS = wrong
        assert [error.id for error in audit_settings_check()] == ["audit.E003"]


def test_without_any_anchor_a_chain_is_overdue_once_its_first_row_is_older_than_the_max_age() -> (
    None
):
    with time_machine.travel(ANCHORED_AT, tick=False) as traveller:
        first = event_record(action="test.g")  # beat never anchored, or the file was removed
        traveller.shift(35 * HOUR)
        event_record(action="test.g")
        assert anchoring_overdue_list() == []

        traveller.shift(2 * HOUR)
        [overdue] = anchoring_overdue_list()
        errors = verify_audit_errors()

    assert (overdue.chain, overdue.anchor, overdue.since) == ("global", None, first.occurred_at)
    assert (overdue.first_unanchored, overdue.last_sequence) == (1, 2)
    assert "OVERDUE global: sequences 1 to 2 are not anchored; anchoring due since" in errors


def test_the_nightly_check_alerts_the_audit_administrators_of_overdue_anchoring_once_a_day(
    auditor: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    with time_machine.travel(ANCHORED_AT, tick=False) as traveller:
        event_record(action="test.g")
        anchored = head("global")
        chain_heads_anchor()
        Notification.objects.all().delete()  # the anchoring's own notice to the auditor
        traveller.shift(37 * HOUR)

        assert run_check(django_capture_on_commit_callbacks) == 1
        traveller.shift(HOUR)
        assert run_check(django_capture_on_commit_callbacks) == 1

        [message] = mail.outbox
        [event] = rows("audit.anchoring_overdue")
        [bell] = Notification.objects.filter(recipient=auditor)

        traveller.shift(24 * HOUR)
        run_check(django_capture_on_commit_callbacks)

    assert message.to == ["auditor@example.gov.cn"]
    assert message.subject == "审计日志锚定已逾期"
    assert "审计日志已超过 36 小时（AUDIT_ANCHOR_MAX_AGE_HOURS）未锚定" in message.body
    assert (
        f"global：最近一次锚定于 2026-03-02 02:15:00 CST（锚定文件第 1 行，至序号 {anchored}），"
        f"序号 {anchored + 1} 至"
    ) in message.body
    assert "manage.py anchor_audit" in message.body
    assert bell.text.startswith("审计日志锚定已逾期：最近一次锚定已超过 36 小时")
    assert (event.chain, event.success, event.actor) == ("global", False, None)
    assert event.new_values["max_age_hours"] == 36
    assert event.new_values["count"] == 1
    [chain] = event.new_values["chains"]
    assert (chain["chain"], chain["line"], chain["anchored_sequence"]) == ("global", 1, anchored)
    # Not a broken chain: nothing else was reported.
    assert not rows("audit.chain_broken")
    # The next day, it is reported again.
    assert len(mail.outbox) == 2
    assert len(rows("audit.anchoring_overdue")) == 2
    assert Notification.objects.filter(recipient=auditor).count() == 2


def test_the_overdue_alarm_mails_in_chinese_and_its_bell_follows_the_reader(
    auditor: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    with time_machine.travel(ANCHORED_AT, tick=False) as traveller:
        event_record(action="test.g")
        chain_heads_anchor()
        Notification.objects.all().delete()  # the anchoring's own notice to the auditor
        traveller.shift(37 * HOUR)
        with translation.override("en"):  # a run that had English active
            assert run_check(django_capture_on_commit_callbacks) == 1

    [message] = mail.outbox
    [event] = rows("audit.anchoring_overdue")
    [bell] = Notification.objects.filter(recipient=auditor)
    # No member of staff has a stored language: the mail is in the default one, Chinese.
    assert message.subject == "审计日志锚定已逾期"
    assert "审计日志已超过 36 小时（AUDIT_ANCHOR_MAX_AGE_HOURS）未锚定" in message.body
    assert event.new_values["count"] == 1
    assert (bell.message, bell.params) == ("audit.anchoring_overdue", {"count": 1, "hours": "36"})
    with translation.override("en"):
        assert bell.display_text.startswith(
            "Audit log anchoring is overdue: the last anchoring is more than 36 hours old"
        )
    with translation.override("zh-hans"):
        assert bell.display_text.startswith("审计日志锚定已逾期：最近一次锚定已超过 36 小时")


def test_a_regular_daily_anchoring_is_never_overdue(
    auditor: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    with time_machine.travel(ANCHORED_AT, tick=False) as traveller:
        for _night in range(3):
            event_record(action="test.g")
            chain_heads_anchor()
            traveller.shift(24 * HOUR)
            event_record(action="test.g")
            assert run_check(django_capture_on_commit_callbacks) == 0

    assert mail.outbox == []
    assert not rows("audit.anchoring_overdue")


# --- The anchor file's own problems, in their own words -----------------------------------------


def anchor_lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in anchor_path().read_text().splitlines()]


def anchor_file_write(lines: list[dict[str, Any] | str]) -> None:
    """Rewrite the anchor file, as only someone who can reach its directory could."""
    text = "".join(
        (line if isinstance(line, str) else json.dumps(line, sort_keys=True)) + "\n"
        for line in lines
    )
    anchor_path().write_text(text)


def test_a_bad_anchor_file_alert_names_each_line_and_what_is_wrong_with_it(
    auditor: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    event_record(action="test.g")
    chain_heads_anchor()
    [good] = anchor_lines()
    altered = {**good, "sequence": 7}  # as if the log had once been longer
    forged = {**good, "key": "00000000"}  # signed under a key nobody configured
    anchor_file_write([altered, forged, "{torn line", good])

    assert run_check(django_capture_on_commit_callbacks) == 1

    [message] = mail.outbox
    assert message.to == ["auditor@example.gov.cn"]
    assert message.subject == "审计锚定文件校验未通过：第 1 行不可信"
    body = message.body
    assert f"锚定文件：{anchor_path()}" in body
    assert "第 1 行：该行的签名与内容不符：该行被篡改或伪造。" in body
    assert "第 2 行：该行的签名密钥不在 AUDIT_MAC_KEYS 中：该行系伪造" in body
    assert "第 3 行：该行不是格式正确的锚定记录" in body
    assert "第 4 行" not in body  # the good line
    assert "signed with key 00000000" in body  # the verifier's details, as verify_audit says
    # None of the chain-break wording: no row id, no "sequence" for a line number.
    for wrong in ("None", "编号", "序号", "哈希链 anchor-file"):
        assert wrong not in body and wrong not in message.subject
    [event] = rows("audit.chain_broken")
    assert event.success is False
    assert {key: event.new_values[key] for key in ("chain", "file", "line", "problem")} == {
        "chain": "anchor-file",
        "file": str(anchor_path()),
        "line": 1,
        "problem": "bad_signature",
    }
    assert event.new_values["faults"] == "1:bad_signature 2:unknown_key 3:malformed"


def test_a_bad_anchor_file_is_reported_once_a_day_and_again_when_another_line_goes_bad(
    auditor: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    event_record(action="test.g")
    chain_heads_anchor()
    with anchor_path().open("a") as file:
        file.write("{torn line\n")

    run_check(django_capture_on_commit_callbacks)
    run_check(django_capture_on_commit_callbacks)
    assert [message.subject for message in mail.outbox] == ["审计锚定文件校验未通过：第 2 行不可信"]

    with anchor_path().open("a") as file:
        file.write("not an anchor either\n")
    run_check(django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    assert "第 3 行：该行不是格式正确的锚定记录" in mail.outbox[1].body
    assert [event.new_values["faults"] for event in rows("audit.chain_broken")] == [
        "2:malformed",
        "2:malformed 3:malformed",
    ]


def test_an_unreadable_anchor_file_is_reported_not_raised(
    auditor: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    event_record(action="test.g")
    anchor_path().mkdir(parents=True)  # something the file cannot be read from

    errors = verify_audit_errors()
    findings = run_check(django_capture_on_commit_callbacks)

    assert (
        f"BROKEN anchor file: {anchor_path()}: the file cannot be read: IsADirectoryError"
    ) in errors
    assert findings == 1
    [message] = mail.outbox
    assert message.subject == "审计锚定文件无法读取"
    assert f"锚定文件：{anchor_path()}" in message.body
    assert "问题：the file cannot be read: IsADirectoryError: Is a directory" in message.body
    assert "AUDIT_ANCHOR_DIR" in message.body
    assert "None" not in message.body and "序号" not in message.body
    [event] = rows("audit.chain_broken")
    assert (event.new_values["line"], event.new_values["problem"]) == (0, "unreadable")
