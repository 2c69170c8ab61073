"""No address of the site answers hostile input with a server error (issue 13, item 11).

Every route of the URL resolver but the administration site's (tests/hostile_site.py) is
visited as the person who uses it (the public anonymously, staff as a team lead with both
factors); its GET parameters come from the links and GET forms that lead to it and from its
view's code, its POST fields from the rendered forms that post to it. Then each route gets:

- a fixed sweep: every parameter and every field at once set to each of a few values that
  used to raise (far dates, huge numbers, NaN, a very long text);
- Hypothesis examples: some parameters or fields set to generated hostile values (far dates and
  months, huge and negative numbers, NaN and infinities, very long strings, NUL and other
  control characters, right-to-left overrides), the others left as the page rendered them,
  sometimes with bytes that are not UTF-8 in the query string.

Every answer must be below 500 (the test client re-raises a view's exception, so a failure
shows its traceback). The run is bounded for 2 cores: a fixed number of examples per route
(``LGSC_HOSTILE_EXAMPLES``, default 15), derandomised, no deadline, and one database per module
(the world is built once; each route's test rolls back what it changed).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hostile_site import Form, Site, crawl, routes, world_make
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Its module's fixtures made once: the whole file in one test process (scripts/test-all).
pytestmark = pytest.mark.xdist_group("hostile-input")

EXAMPLES = int(os.environ.get("LGSC_HOSTILE_EXAMPLES", "15"))

KILLERS = [
    "0001-01-01",
    "9999-12-31",
    "9999-12",
    "1" + "0" * 30,
    "-1" + "0" * 30,
    "1" + "0" * 5000,
    "NaN",
    "-Infinity",
    "1e999999",
    "中" * 5000,
]
FIXED_HOSTILE = [
    *KILLERS,
    "",
    " ",
    "0",
    "-1",
    "-0",
    "0000-00-00",
    "2026-02-30",
    "2026-13",
    "99999-01-01",
    "-2026-01-01",
    "2026-W53",
    "25:61",
    "9223372036854775808",
    "-9223372036854775809",
    "4294967296",
    "0x1F",
    "1_000",
    "１２３",
    "Infinity",
    "sNaN",
    "1e-999999",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202e\u200b\u200d",
    "\ufeff",
    "\ud7ff\ue000\U0010ffff",
    "<script>alert(1)</script>",
    "'; DROP TABLE cases_case; --",
    "../../etc/passwd",
    "%",
    "a" * 10_000,
]


def hostile_text() -> st.SearchStrategy[str]:
    fixed = st.sampled_from(FIXED_HOSTILE)
    return st.one_of(
        fixed,
        fixed,
        st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(repr),
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
        st.tuples(st.integers(0, 99999), st.integers(-1, 99)).map(
            lambda t: f"{t[0]:04d}-{t[1]:02d}"
        ),
    )


# Bytes a browser would never send, appended to a query string.
RAW_QUERY_TAILS = ["", "", "", "&x=%ff", "&%c3%28=1", "&page=%ed%a0%80", "&q=%00"]


@pytest.fixture(scope="module")
def site(django_db_setup: None, django_db_blocker: Any) -> Iterator[Site]:
    """The world and the crawl, once for the module, rolled back at its end. The transaction
    counts as the test case's (as Django's TestCase.setUpTestData does), so the durable
    services that built the world may run inside it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # type: ignore[attr-defined]
        atomic.__enter__()
        try:
            team_lead, seeds = world_make()
            yield Site(pages=crawl(seeds, team_lead), team_lead=team_lead)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _query(params: dict[str, list[str]]) -> str:
    return urlencode([(name, value) for name, values in params.items() for value in values])


def _post_data(form: Form, changes: dict[str, list[str]]) -> dict[str, Any]:
    data: dict[str, Any] = {name: list(values) for name, values in form.fields.items()}
    for name, options in form.choices.items():
        data.setdefault(name, options[:1])
    data.update(changes)
    return data


def _assert_answered(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", routes())
def test_no_address_answers_hostile_input_with_a_server_error(site: Site, route: str) -> None:
    page = site.page(route)
    client = site.client_for(route)
    path = page.paths[0]
    get_names = sorted(page.get_params) or ["page"]
    forms = page.post_forms or [
        Form(action=path, method="post", fields={name: [""] for name in sorted(page.post_params)})
    ]

    # The fixed sweep: every parameter, then every field, at once.
    for value in KILLERS:
        url = f"{path}?{_query({name: [value] for name in get_names})}"
        _assert_answered(client.get(url), f"GET {url[:200]}")
        for form in forms:
            changes = {name: [value] for name in [*form.fields, *form.choices]}
            response = client.post(form.action, _post_data(form, changes))
            _assert_answered(response, f"POST {form.action} all fields {value[:20]!r}")

    field_names = sorted({name for form in forms for name in [*form.fields, *form.choices]})

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def hostile_request(data: st.DataObject) -> None:
        if data.draw(st.booleans(), label="post"):
            form = data.draw(st.sampled_from(forms), label="form")
            names = [*form.fields, *form.choices] or field_names or ["x"]
            chosen = data.draw(st.sets(st.sampled_from(names), min_size=1), label="fields")
            changes = {
                name: data.draw(st.lists(hostile_text(), min_size=1, max_size=2), label=name)
                for name in chosen
            }
            payload = _post_data(form, changes)
            for name in form.files:
                file_name = data.draw(hostile_text(), label=f"{name} name") or "x"
                content = data.draw(st.binary(max_size=64), label=f"{name} bytes")
                payload[name] = SimpleUploadedFile(file_name.replace("\x00", ""), content)
            response = client.post(form.action, payload)
            _assert_answered(response, f"POST {form.action} {changes!r}"[:500])
        else:
            chosen = data.draw(st.sets(st.sampled_from(get_names), min_size=1), label="params")
            params = {name: [data.draw(hostile_text(), label=name)] for name in chosen}
            tail = data.draw(st.sampled_from(RAW_QUERY_TAILS), label="raw tail")
            url = f"{path}?{_query(params)}{tail}"
            _assert_answered(client.get(url), f"GET {url[:300]}")

    hostile_request()


def test_every_staff_and_public_area_is_walked() -> None:
    """The walk reaches the pages of every area, not only a few."""
    walked = routes()

    for prefix in ["cases/", "counter/", "guidance/", "training/", "startup/", "complaints/",
                   "welfare/", "campaigns/", "noticeboard/", "ledger/", "audit/", "sla/",
                   "portal/", "accounts/", "notifications/"]:  # fmt: skip
        assert any(route.startswith(prefix) for route in walked), prefix
    assert not any(route.startswith("admin/") for route in walked)
