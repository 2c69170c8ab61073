"""The rating form (five levels and a comment), one for every page where the applicant rates:
the counter tablet (backoffice), the kiosk and the text-message link (portal), the online
pages. Those pages are siblings that may not import each other, so the form lives with the
ratings; its template is ``templates/includes/rating_form.html``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import COMMENT_MAX, Level


class RatingForm(forms.Form):
    level = forms.ChoiceField(
        label=_("How satisfied are you with our service?"),
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the five levels.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX}),
    )
