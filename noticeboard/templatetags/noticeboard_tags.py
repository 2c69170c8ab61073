from django import template
from django.utils.safestring import SafeString, mark_safe

from noticeboard.sanitise import rich_text_clean

register = template.Library()


@register.filter
def rich_text(value: str | None) -> SafeString:
    """Notice-board rich text, cleaned again as it is shown (see noticeboard.sanitise)."""
    return mark_safe(rich_text_clean(value or ""))  # noqa: S308  (cleaned to the allow-list)
