"""Template filters of the public pages."""

from __future__ import annotations

from django import template

from portal.text import phone_numbers_hidden

register = template.Library()


@register.filter
def phones_hidden(value: object) -> str:
    """Free text an employer wrote (an address, a note) with its phone numbers hidden."""
    return phone_numbers_hidden(str(value or ""))
