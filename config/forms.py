"""The form renderer of every form (``FORM_RENDERER``): Django's own, with the common widgets
drawn in Python.

Django draws a widget through its templates, and a ``<select>`` through one template per
``<option>`` plus one per option's attributes: a filter form with a few dozen options spent
more time there than the page's whole SQL. For the widget templates below, this renderer
writes the very HTML those templates write (the same escaping, the same whitespace;
``tests/config/test_form_renderer.py`` compares the two for each), and it leaves everything
else to the templates: any other template, an option drawn by a template of its own, and any
value a template would call (a callable).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import escape
from django.utils.safestring import SafeData

_WIDGETS = "django/forms/widgets/"
_SELECT_OPTION = f"{_WIDGETS}select_option.html"
# The input options of a radio or checkbox list (both include input_option.html).
_INPUT_OPTIONS = (f"{_WIDGETS}radio_option.html", f"{_WIDGETS}checkbox_option.html")
# The widgets whose template is ``{% include "django/forms/widgets/input.html" %}`` and no more.
_INPUTS = (
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "input",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
)
# How a template writes a value (``{{ value }}``): localized, in the current time zone, escaped.
_TEMPLATE_CONTEXT = Context(autoescape=True)


class _Fallback(Exception):
    """A value the templates would treat in a way this module does not: let them draw it."""


def _text(value: Any) -> str:
    """``{{ value }}``."""
    if type(value) is str:
        return escape(value)
    if callable(value):  # a template calls it first
        raise _Fallback
    return render_value_in_context(value, _TEMPLATE_CONTEXT)


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` (a safe value stays as it is, as the filter is safe)."""
    if type(value) is str:
        return escape(value)
    if callable(value):
        raise _Fallback
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (ValueError, TypeError):
        text = ""
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if callable(value):
            raise _Fallback
        if value is False:
            continue
        if value is True:
            parts.append(f" {_text(name)}")
        else:
            parts.append(f' {_text(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    """``django/forms/widgets/input.html``, without its closing line break."""
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711 (as the template)
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _select(widget: Mapping[str, Any]) -> str:
    """``django/forms/widgets/select.html`` with its ``select_option.html``."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option["template_name"] != _SELECT_OPTION:
                raise _Fallback
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _input_option(option: Mapping[str, Any]) -> str:
    """``radio_option.html`` / ``checkbox_option.html`` (``input_option.html``), as included."""
    if option["template_name"] not in _INPUT_OPTIONS:
        raise _Fallback
    if not option["wrap_label"]:
        return f"{_input(option)}\n\n\n"
    element_id = option["attrs"].get("id")
    label_for = f' for="{_text(element_id)}"' if element_id else ""
    return f"<label{label_for}>{_input(option)}\n {_text(option['label'])}</label>\n\n"


def _multiple_input(widget: Mapping[str, Any]) -> str:
    """``django/forms/widgets/multiple_input.html`` (radio buttons, checkboxes)."""
    element_id = widget["attrs"].get("id")
    css_class = widget["attrs"].get("class")
    if callable(element_id) or callable(css_class):
        raise _Fallback
    parts = [
        "<div",
        f' id="{_text(element_id)}"' if element_id else "",
        f' class="{_text(css_class)}"' if css_class else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_text(group)}</label>")
        parts.extend(f"<div>\n    {_input_option(option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def _textarea(widget: Mapping[str, Any]) -> str:
    """``django/forms/widgets/textarea.html``."""
    value = widget["value"]
    if callable(value):
        raise _Fallback
    shown = _text(value) if value else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{shown}</textarea>'


_DRAWN: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **{f"{_WIDGETS}{name}.html": _input for name in _INPUTS},
    f"{_WIDGETS}select.html": _select,
    f"{_WIDGETS}radio.html": _multiple_input,
    f"{_WIDGETS}checkbox_select.html": _multiple_input,
    f"{_WIDGETS}textarea.html": _textarea,
    # One option of a radio or checkbox list alone (a page's ``{{ choice.tag }}``).
    **{name: lambda option: _input_option(option).strip() for name in _INPUT_OPTIONS},
}


class FastWidgetRenderer(DjangoTemplates):
    """Django's renderer, which draws the common widgets in Python (see the module)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        draw = _DRAWN.get(template_name)
        widget = context.get("widget")
        if draw is not None and isinstance(widget, Mapping):
            try:
                return draw(widget)
            except (_Fallback, KeyError):
                pass
        return super().render(template_name, context, request=request)
