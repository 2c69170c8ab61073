"""Tables never hide columns: each one sits in a ``.table-scroll`` wrapper that scrolls
sideways when the window is narrower than the table (the browser check is
tests/browser/test_policy_and_layout.py)."""

from __future__ import annotations

import re

from conftest import REPO_ROOT
from template_files import our_templates

# The printed single notice is laid out for A4 paper, where nothing scrolls.
PRINTED = {"backoffice/templates/backoffice/case/notice_print.html"}
TABLE = re.compile(r"<table\b")
WRAPPER = re.compile(r'<div class="table-scroll">\s*$')


def test_every_table_sits_in_a_scrolling_wrapper() -> None:
    bare = []
    for path in our_templates():
        name = path.relative_to(REPO_ROOT).as_posix()
        if name in PRINTED:
            continue
        text = path.read_text(encoding="utf-8")
        for match in TABLE.finditer(text):
            if not WRAPPER.search(text[: match.start()]):
                bare.append(f"{name}:{text[: match.start()].count(chr(10)) + 1}")

    assert bare == []


def test_the_page_column_is_fluid() -> None:
    css = (REPO_ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")

    assert re.search(r"\.table-scroll\s*\{[^}]*overflow-x:\s*auto", css)
    assert not re.search(r"\bmain\s*\{[^}]*max-width:\s*\d", css)
