"""Helpers shared by the administration-site tests (accounts/test_admin_url_walk.py and
accounts/test_admin_trail.py), hence beside conftest.py; no tests here."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    """The fields of each POST form in a page, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: tuple[str, list[str], bool] | None = None  # name, options, any selected
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and attributes.get("method", "").lower() == "post":
            self._form = {}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self._form.setdefault(name, []).append(attributes.get("value", default))
        elif tag == "select" and name:
            self._select = (name, [], "multiple" in attributes)
            self._form.setdefault(name, [])
        elif tag == "option" and self._select is not None:
            select_name, options, _multiple = self._select
            value = attributes.get("value", "")
            options.append(value)
            if "selected" in attributes:
                self._form[select_name].append(value)
        elif tag == "textarea" and name:
            self._textarea = name
            self._form[name] = [""]

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea is not None:
            self._form[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, multiple = self._select
            if not self._form[name] and options and not multiple:
                self._form[name] = [options[0]]
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def main_form(body: bytes) -> dict[str, list[str]]:
    """The fields of the page's largest POST form (the admin's change, revert or delete form),
    with the values a browser would send if the user pressed save at once."""
    parser = _FormParser()
    parser.feed(body.decode("utf-8", errors="replace"))
    forms = [form for form in parser.forms if "csrfmiddlewaretoken" in form]
    return max(forms, key=len) if forms else {}
