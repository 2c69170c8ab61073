"""The form renderer (config/forms.py) draws the common widgets in Python: the HTML must be
exactly what Django's own widget templates draw, for every kind of value, or the pages change
without anyone noticing. Each widget here is drawn both ways and compared; and the Python way
must really be taken (no template loaded), or the comparison would prove nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from backoffice.cases.filters import CaseFilterForm
from config.forms import FastWidgetRenderer

GROUPED: list[Any] = [
    ("", "— all —"),
    ("Counter", [("a", "A & B"), ("b", 'Say "hi"'), (3, "Three <3>")]),
    ("Online <web>", [("d", gettext_lazy("Overdue")), ("e", "E")]),
    ("z", "Last"),
]
ATTRS = {
    "id": "id_pick",
    "class": "wide",
    "aria-describedby": "id_pick_help id_pick_errors",
    "aria-invalid": "true",
    "required": True,
    "disabled": False,
    "data-count": 0,
    "data-safe": mark_safe("<b>"),
    "title": 'a "quoted" <title>',
}


def _select_multiple() -> forms.SelectMultiple:
    return forms.SelectMultiple(choices=GROUPED)


WIDGETS: list[tuple[str, forms.Widget, Any, dict[str, Any] | None]] = [
    ("select, no value", forms.Select(choices=GROUPED), None, None),
    ("select, groups, a value chosen, attributes", forms.Select(choices=GROUPED), "b", ATTRS),
    ("select, an integer value chosen", forms.Select(choices=GROUPED), 3, {"id": "x"}),
    ("select, a lazy label chosen", forms.Select(choices=GROUPED), "d", None),
    ("select multiple, two chosen", _select_multiple(), ["a", "e"], ATTRS),
    ("select multiple, none chosen", _select_multiple(), [], None),
    ("null boolean select", forms.NullBooleanSelect(), True, {"id": "nb"}),
    ("select without choices", forms.Select(), "", None),
    ("text, quotes and brackets", forms.TextInput(), 'O\'Neil "<x>" & co', ATTRS),
    ("text, no value", forms.TextInput(attrs={"autocomplete": "off"}), None, None),
    ("text, empty value", forms.TextInput(), "", {"maxlength": 20}),
    ("number", forms.NumberInput(), 1234567, {"min": 0, "step": "0.5"}),
    ("date", forms.DateInput(attrs={"type": "date"}), datetime.date(2026, 1, 2), None),
    ("date, not a date", forms.DateInput(), "2026-13-40", None),
    ("time", forms.TimeInput(), datetime.time(9, 30), None),
    ("checkbox, ticked", forms.CheckboxInput(), True, {"id": "tick"}),
    ("checkbox, not ticked", forms.CheckboxInput(), False, None),
    ("hidden", forms.HiddenInput(), "tok<en>", None),
    ("password", forms.PasswordInput(render_value=True), "s3cr&t", {"autocomplete": "new"}),
    ("email", forms.EmailInput(), "a@b.cn", ATTRS),
    ("textarea with text", forms.Textarea(attrs={"rows": 2}), "line 1\n<line 2> & 3", ATTRS),
    ("textarea, empty", forms.Textarea(), "", None),
    ("radio, grouped", forms.RadioSelect(choices=GROUPED), "a", {"id": "r", "class": "c"}),
    ("radio, no id", forms.RadioSelect(choices=GROUPED), None, None),
    ("checkboxes", forms.CheckboxSelectMultiple(choices=GROUPED), ["b", 3], {"id": "cb"}),
]


@contextmanager
def no_template_loaded() -> Iterator[None]:
    """Loading a template through a form renderer fails the test while this is active."""
    with mock.patch.object(
        DjangoTemplates, "get_template", side_effect=AssertionError("a template was loaded")
    ):
        yield


def _both(widget: forms.Widget, value: Any, attrs: dict[str, Any] | None) -> tuple[str, str]:
    django = widget.render("pick", value, attrs=attrs, renderer=DjangoTemplates())
    fast = widget.render("pick", value, attrs=attrs, renderer=FastWidgetRenderer())
    return django, fast


@pytest.mark.parametrize(
    ("label", "widget", "value", "attrs"), WIDGETS, ids=[w[0] for w in WIDGETS]
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_widget_html_is_django_own(
    label: str, widget: forms.Widget, value: Any, attrs: dict[str, Any] | None, language: str
) -> None:
    with override(language):
        django = widget.render("pick", value, attrs=attrs, renderer=DjangoTemplates())
        with no_template_loaded():
            fast = widget.render("pick", value, attrs=attrs, renderer=FastWidgetRenderer())

    assert fast == django


def test_the_comparison_sees_a_difference() -> None:
    """The widgets above are not all alike: a select and its options are really drawn."""
    django, fast = _both(forms.Select(choices=GROUPED), "b", ATTRS)

    assert fast == django
    assert fast.count("<option") == 7
    assert '<optgroup label="Online &lt;web&gt;">' in fast
    assert '<option value="b" selected>Say &quot;hi&quot;</option>' in fast
    assert ' data-safe="<b>"' in fast


def test_an_option_drawn_by_its_own_template_is_left_to_the_templates() -> None:
    class OwnOption(forms.Select):
        option_template_name = "django/forms/widgets/input.html"

    django, fast = _both(OwnOption(choices=GROUPED), "a", None)

    assert fast == django
    assert fast.count('<input type="select" name="pick"') == 7


def test_a_value_the_templates_would_call_is_left_to_them() -> None:
    attrs = {"id": "x", "data-made": lambda: "called & escaped"}

    django, fast = _both(forms.TextInput(), "v", attrs)

    assert fast == django
    assert 'data-made="called &amp; escaped"' in fast


def test_a_widget_template_it_does_not_know_is_left_to_the_templates() -> None:
    widget = forms.SplitDateTimeWidget()
    value = datetime.datetime(2026, 5, 6, 7, 8, tzinfo=datetime.UTC)

    django, fast = _both(widget, value, {"id": "when"})

    assert fast == django
    assert fast.count("<input") == 2


@pytest.mark.parametrize("wrap_label", [False, True])
def test_one_option_of_a_checkbox_list_is_django_own(wrap_label: bool) -> None:
    """A page may draw the options of a list one by one (``{{ choice.tag }}``)."""

    def form(renderer: DjangoTemplates) -> forms.Form:
        made = forms.Form(data={"pick": ["b"]}, renderer=renderer)
        made.fields["pick"] = forms.MultipleChoiceField(
            choices=GROUPED, widget=forms.CheckboxSelectMultiple
        )
        return made

    django = [choice.tag(wrap_label) for choice in form(DjangoTemplates())["pick"]]
    with no_template_loaded():
        fast = [choice.tag(wrap_label) for choice in form(FastWidgetRenderer())["pick"]]

    assert fast == django
    assert len(fast) == 7 and "checked" in fast[2]


@pytest.mark.django_db
def test_the_case_filter_form_renders_alike() -> None:
    """The form of the busiest page (the workbench), bound with a value in error, drawn with
    the project's renderer (the setting) and with Django's own."""
    form = CaseFilterForm(
        {"state": "new", "due": "bogus", "opened_from": "2026-02-01", "sort": "oldest"},
        staff=None,
        stations=[],
    )
    form.is_valid()
    assert isinstance(get_default_renderer(), FastWidgetRenderer)
    assert isinstance(form.renderer, FastWidgetRenderer)

    with no_template_loaded():
        fast = [str(field) for field in form]
    form.renderer = DjangoTemplates()
    django = [str(field) for field in form]

    assert fast == django
    assert any('<option value="new" selected>' in html for html in fast)
    assert any('<input type="date" name="opened_from" value="2026-02-01"' in h for h in fast)
