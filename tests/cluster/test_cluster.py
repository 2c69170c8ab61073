"""The loopback cluster (issue 15, item 5): ``scripts/cluster start`` brings up PostgreSQL with a
streaming replica, Redis, an S3 endpoint, two web instances, two Celery workers and the beat,
and what a province runs on several hosts holds across them: a session made on one instance
works on the other, the kiosk's throttle counts across both, a file uploaded through one
downloads through the other, each reminder goes out once with two workers, and killing a web
instance and a worker in the middle of the work loses no request that was acknowledged.

The cluster is its own world (its own PostgreSQL, Redis and processes), so it is started once,
in the PostgreSQL run of ``make test``; it takes a minute or two to start.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import REPO_ROOT
from django.db import connection
from django_otp.oath import totp

pytestmark = [
    pytest.mark.xdist_group("cluster"),  # all in one process (scripts/test-all)
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the cluster is started once, in the PostgreSQL run of make test",
    ),
]

CLUSTER = REPO_ROOT / "scripts" / "cluster"
HELPER = Path(__file__).with_name("cluster_django.py")
# One base per run, away from test-services' ports and below Linux's ephemeral range (32768 and
# up): the cluster starts late in a run, when any of that range may be the local port of one of
# the run's own connections, and a server cannot listen on it then (a CI run lost the cluster's
# Redis that way).
PORT_BASE = 27100 + (os.getpid() % 40) * 20
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
HTTPS = {"X-Forwarded-Proto": "https"}  # the loopback stands in for the TLS proxy
_FORM = re.compile(r"<form([^>]*)>(.*?)</form>", re.DOTALL)
_ACTION = re.compile(r'action="([^"]*)"')
# The start of a log record: Django's plain or JSON line, or gunicorn's own.
_LOG_RECORD = re.compile(r"^(\d{4}-\d\d-\d\d |\{|\[\d{4}-)")
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


@dataclass(frozen=True)
class Cluster:
    directory: Path
    env: dict[str, str]
    web: list[str]

    def django(self, *arguments: object) -> dict[str, Any]:
        """One sub-command of cluster_django.py inside the cluster's database."""
        result = subprocess.run(  # noqa: S603 -- our own helper with fixed arguments
            [sys.executable, str(HELPER), *map(str, arguments)],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return dict(json.loads(result.stdout.strip().splitlines()[-1]))

    def celery(self, *arguments: str) -> str:
        result = subprocess.run(  # noqa: S603 -- the virtualenv's celery with fixed arguments
            [str(Path(sys.executable).parent / "celery"), "-A", "config", *arguments],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def server_errors(self, limit: int = 6000) -> str:
        """What the servers logged going wrong: each web instance's ERROR lines with the
        traceback after them, and PostgreSQL's errors and deadlocks (its lock waits name who
        held what), for a failure to show its cause (the cluster's folder is gone after)."""
        found: list[str] = []
        for log in sorted((self.directory / "log").glob("web*.log")):
            inside = False  # in an ERROR record: its traceback runs to the next record
            for line in log.read_text(errors="replace").splitlines():
                if _LOG_RECORD.match(line):
                    inside = " ERROR " in line or "[ERROR]" in line or '"ERROR"' in line
                if inside:
                    found.append(f"{log.name}: {line}")
        for log in sorted(self.directory.glob("services/*/postgres.log")):
            for line in log.read_text(errors="replace").splitlines():
                if any(mark in line for mark in ("ERROR:", "DETAIL:", "still waiting")):
                    found.append(f"postgres: {line}")
        return "\n".join(found)[-limit:]

    def kill(self, name: str) -> None:
        """Kill a part of the cluster without warning (SIGKILL to its process group)."""
        pid = int((self.directory / "pids" / name).read_text())
        os.killpg(pid, signal.SIGKILL)


def _environment(directory: Path) -> dict[str, str]:
    """The env file ``scripts/cluster start`` wrote, read as a shell would."""
    out = subprocess.run(  # noqa: S603 -- bash sourcing the file the cluster script wrote
        ["/bin/bash", "-c", f"set -a; source {directory / 'env'}; env -0"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    return dict(item.split("=", 1) for item in out.split("\0") if "=" in item)


# Once per pytest process, and the xdist group keeps this file's tests in one process: one
# cluster a run (tests/config/test_suite_plumbing.py checks that the groups are kept).
@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    """A cluster of this file's own, stopped at the end of the pytest process; or, while
    working on these tests, one already running (``LGSC_TEST_CLUSTER_DIR``: the
    LGSC_CLUSTER_DIR it was started with).
    The killing test leaves that one with one web instance and one worker."""
    running = os.environ.get("LGSC_TEST_CLUSTER_DIR")
    if running:
        cluster_env = _environment(Path(running))
        yield Cluster(Path(running), cluster_env, cluster_env["LGSC_CLUSTER_WEB"].split())
        return
    # Not under pytest's own temporary folder (only root may enter it): PostgreSQL runs as
    # the postgres user when the tests run as root, and must reach its data directory.
    directory = Path(tempfile.mkdtemp(prefix="lgsc-cluster-"))
    directory.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONPATH")}
    env |= {"LGSC_CLUSTER_DIR": str(directory), "LGSC_CLUSTER_PORT": str(PORT_BASE)}
    try:
        started = subprocess.run(  # noqa: S603 -- the repository's own script
            [str(CLUSTER), "start"], env=env, capture_output=True, text=True, timeout=600
        )
        assert started.returncode == 0, started.stderr[-5000:]
        cluster_env = _environment(directory)
        yield Cluster(directory, cluster_env, cluster_env["LGSC_CLUSTER_WEB"].split())
    finally:
        subprocess.run([str(CLUSTER), "stop"], env=env, capture_output=True, timeout=180)  # noqa: S603


@pytest.fixture(scope="session")
def seeded(cluster: Cluster) -> dict[str, Any]:
    return cluster.django("seed")


@pytest.fixture(scope="session")
def signed_in(cluster: Cluster, seeded: dict[str, Any]) -> requests.Session:
    """The officer, signed in once through the first instance (an authenticator's code is
    good for one sign-in: the pages of both instances take this session)."""
    return _signed_in(cluster.web[0], seeded)


def _session() -> requests.Session:
    session = requests.Session()
    session.headers.update(HTTPS)
    return session


def _hidden(session: requests.Session, url: str, action: str = "") -> dict[str, str]:
    """The hidden fields (the CSRF token, a form's submit-once token) of the form on the page
    at ``url`` that posts to ``action`` ("": the page's own address)."""
    for cookie in session.cookies:
        cookie.secure = False
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    for attributes, body in _FORM.findall(page.text):
        found = _ACTION.search(attributes)
        if (found.group(1) if found else "") == action:
            return dict(_HIDDEN.findall(body))
    raise AssertionError(f"no form posting to {action!r} on {url}")


def _post(session: requests.Session, base: str, path: str, **kwargs: Any) -> requests.Response:
    """A POST as the browser sends it: the site's origin, redirects not followed."""
    headers = {"Origin": base.replace("http://", "https://"), "Referer": f"{base}{path}"}
    for cookie in session.cookies:  # Secure cookies behind the "TLS proxy": send them anyway
        cookie.secure = False
    return session.post(
        f"{base}{path}", headers=headers, allow_redirects=False, timeout=30, **kwargs
    )


def _signed_in(base: str, officer: dict[str, Any]) -> requests.Session:
    session = _session()
    response = _post(
        session,
        base,
        "/accounts/login/",
        data={
            **_hidden(session, f"{base}/accounts/login/", "/accounts/login/"),
            "username": officer["username"],
            "password": officer["password"],
            "otp_token": f"{totp(bytes.fromhex(officer['totp_key'])):06d}",
        },
    )
    assert response.status_code == 302, response.text[-2000:]
    assert not response.headers["Location"].startswith("/accounts/")
    return session


def _get(session: requests.Session, url: str) -> requests.Response:
    for cookie in session.cookies:
        cookie.secure = False
    return session.get(url, allow_redirects=False, timeout=30)


def test_each_instance_is_ready_and_reports_its_metrics(cluster: Cluster) -> None:
    """Ready means the database, the shared cache, the broker and the bucket all answer; the
    metrics of an instance sum its gunicorn workers' (PROMETHEUS_MULTIPROC_DIR), and are
    given only for the token."""
    token = {"Authorization": f"Bearer {cluster.env['LGSC_METRICS_TOKEN']}"}
    for base in cluster.web:
        ready = requests.get(f"{base}/health/ready/", headers=HTTPS, timeout=30)
        metrics = requests.get(f"{base}/metrics", headers=token, timeout=30)
        refused = requests.get(f"{base}/metrics", headers={"Authorization": "Bearer x"}, timeout=30)

        assert ready.status_code == 200
        assert ready.json()["status"] == "ok"
        assert metrics.status_code == 200
        assert "lgsc_http_request_duration_seconds_count{" in metrics.text
        assert 'lgsc_metrics_part_ok{part="queues"} 1.0' in metrics.text
        assert "\ndatabase_replica_lag_seconds " in metrics.text  # the replica streams
        assert refused.status_code == 403


def test_a_session_made_on_one_instance_works_on_the_other(
    cluster: Cluster, seeded: dict[str, Any], signed_in: requests.Session
) -> None:
    page = _get(signed_in, f"{cluster.web[1]}/cases/{seeded['case']}/")

    assert page.status_code == 200
    assert seeded["reference"] in page.text


def test_the_kiosk_throttle_counts_across_both_instances(
    cluster: Cluster, seeded: dict[str, Any]
) -> None:
    """Five wrong guesses in all, taken in turns by the two instances: the sixth is refused,
    on either, without being checked."""
    path = f"/portal/{seeded['market']}/kiosk/status/"
    answers = []
    for attempt in range(7):
        base = cluster.web[attempt % 2]
        session = _session()
        data = {
            **_hidden(session, f"{base}{path}"),
            "reference": seeded["reference"],
            "mobile_last_four": "0000",  # the seeded applicant's mobile ends in 8000
        }
        answers.append(_post(session, base, path, data=data).status_code)

    assert answers[:5] == [200] * 5
    assert answers[5:] == [429, 429]


def test_a_file_uploaded_through_one_instance_downloads_through_the_other(
    cluster: Cluster, seeded: dict[str, Any], signed_in: requests.Session
) -> None:
    first, second = cluster.web
    session = signed_in
    action = f"/cases/{seeded['case']}/attachments/"

    uploaded = _post(
        session,
        first,
        action,
        data=_hidden(session, f"{first}/cases/{seeded['case']}/", action),
        files={"file": ("证明材料.pdf", PDF, "application/pdf")},
    )
    assert uploaded.status_code == 302
    (attachment,) = cluster.django("attachments", seeded["case"])["attachments"]
    download = _get(session, f"{second}/cases/{seeded['case']}/attachments/{attachment['id']}/")

    assert download.status_code == 200
    assert download.content == PDF
    # In the bucket, not on a disk of the web host that took it.
    assert not (cluster.directory / "var" / "media" / attachment["name"]).exists()


def test_each_reminder_goes_out_once_with_two_workers(
    cluster: Cluster, seeded: dict[str, Any]
) -> None:
    assert cluster.django("reminder-due", seeded["case"])["deadlines"] >= 1
    # Four sweeps at once, for the two workers to take side by side.
    for _ in range(4):
        cluster.celery("call", "sla.tasks.sla_sweep_task")

    give_up = time.monotonic() + 60
    counts = cluster.django("reminders", seeded["case"])
    while counts["delivered"] < 1 and time.monotonic() < give_up:
        time.sleep(1)
        counts = cluster.django("reminders", seeded["case"])
    time.sleep(3)  # anything sent twice would have arrived by now
    counts = cluster.django("reminders", seeded["case"])

    assert counts == {"reminders": 1, "delivered": 1, "notifications": 1}


LOCUST_USERS = 3  # officers per instance
LOCUST_SECONDS = 20
LOCUSTFILE = REPO_ROOT / "bench" / "load" / "locustfile.py"


def test_the_officers_load_mix_runs_against_both_instances(
    cluster: Cluster, tmp_path: Path
) -> None:
    """The province-scale load mix (bench/load/locustfile.py: sign-in, workbench, case page,
    search, note, intake, transfer and accepting it in the other market) for a short time,
    against each instance at once, with officers of their own: every request succeeds."""
    runs = []
    for number, base in enumerate(cluster.web):
        plan = tmp_path / f"plan-{number}.json"
        first_person = 10_000 + number * 5_000  # distinct from the other tests' people
        plan.write_text(json.dumps(cluster.django("load-plan", LOCUST_USERS, first_person)))
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env |= {"LOAD_PLAN": str(plan), "PYTHONPATH": str(REPO_ROOT)}
        prefix = tmp_path / f"locust-{number}"
        log = (tmp_path / f"locust-{number}.log").open("w")
        command = [
            str(Path(sys.executable).parent / "locust"),
            f"--locustfile={LOCUSTFILE}",
            "--headless",
            f"--users={LOCUST_USERS}",
            f"--spawn-rate={LOCUST_USERS}",
            f"--run-time={LOCUST_SECONDS}s",
            f"--host={base}",
            f"--csv={prefix}",
            "--only-summary",
            "--stop-timeout=10",
            "--exit-code-on-error=0",
        ]
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        runs.append((process, prefix, log))

    for process, prefix, log in runs:
        assert process.wait(timeout=LOCUST_SECONDS + 120) == 0
        log.close()
        with Path(f"{prefix}_stats.csv").open(newline="") as stats:
            (total,) = [row for row in csv.DictReader(stats) if row["Name"] == "Aggregated"]
        assert int(total["Request Count"]) > LOCUST_USERS * 5
        failures = Path(f"{prefix}_failures.csv").read_text()
        assert int(total["Failure Count"]) == 0, f"{failures}\n{cluster.server_errors()}"


def test_killing_a_web_instance_and_a_worker_mid_work_loses_no_acknowledged_request(
    cluster: Cluster, signed_in: requests.Session
) -> None:
    """Three counters take people in at once through both instances; half-way through, one
    web instance and one worker are killed without warning. Every intake the server
    acknowledged (its redirect to the new case came back) is in the database, and its "request
    accepted" text message goes out (the surviving worker takes over the killed one's
    work). A request that failed is sent again to the other instance, as a client behind a
    balancer would; it was not acknowledged, so it may or may not have been done."""
    acknowledged: list[int] = []
    people = cluster.django("people", 0, 36)["people"]
    numbers = iter(range(36))
    lock = threading.Lock()
    killed = threading.Event()

    refused: list[str] = []

    def counter() -> None:
        session = _session()  # a counter of its own, signed in as the officer
        session.cookies.update(signed_in.cookies)
        while True:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            if number == 18 and not killed.is_set():
                killed.set()
                cluster.kill("web1")
                cluster.kill("worker1")
            for base in (cluster.web[number % 2], cluster.web[(number + 1) % 2]):
                name, id_number, mobile = people[number]
                try:
                    data = {
                        **_hidden(session, f"{base}/cases/new/"),
                        "name": name,
                        "id_number": id_number,
                        "mobile": mobile,
                        "kind": "policy_consultation",
                        "channel": "counter",
                        "priority": "normal",
                        "subject": "灵活就业社保补贴政策咨询",
                        "description": f"集群测试受理 {number}",
                    }
                    response = _post(session, base, "/cases/new/", data=data)
                except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                    # The killed instance, refusing the connection or cutting an answer off
                    # mid-body (a page it was sending when killed): to the other one.
                    continue
                found = re.fullmatch(r"/cases/(\d+)/", response.headers.get("Location", ""))
                with lock:
                    if response.status_code == 302 and found:
                        acknowledged.append(int(found.group(1)))
                    else:
                        alert = response.text.find('role="alert"')
                        refused.append(f"{response.status_code} {response.text[alert:][:200]}")
                break

    threads = [threading.Thread(target=counter) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert killed.is_set()
    assert refused == [], cluster.server_errors()
    assert len(acknowledged) == 36
    # The killed worker's task comes back when its lease runs out (a minute) and the sweep
    # queues it again: within three minutes every message is out.
    give_up = time.monotonic() + 180
    counts = cluster.django("intakes", *acknowledged)
    while counts["sent"] < len(acknowledged) and time.monotonic() < give_up:
        time.sleep(5)
        counts = cluster.django("intakes", *acknowledged)
    assert counts == {"cases": 36, "sent": 36}
