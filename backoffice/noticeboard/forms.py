"""Forms of the notice board's back-office pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from markets.models import Market
from noticeboard.models import PolicyArticle

from ..common.params import DayField

RICH_TEXT_HELP = _(
    "Allowed: paragraphs, line breaks, bold, italics, lists, sub-headings (h3, h4), quotations "
    "and http(s) links. Anything else is removed when saved."
)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PolicyArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=100)
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    published_on = DayField(label=_("Published on"), widget=_date_input())
    source_url = forms.URLField(
        label=_("Source (link)"), required=False, assume_scheme="https", max_length=200
    )
    region_wide = forms.BooleanField(
        label=_("Show on every market of this market's region"), required=False
    )
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}), help_text=RICH_TEXT_HELP
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["autofocus"] = True

    @staticmethod
    def initial_of(article: PolicyArticle) -> dict[str, Any]:
        return {
            "title": article.title,
            "issuing_body": article.issuing_body,
            "document_number": article.document_number,
            "published_on": article.published_on,
            "source_url": article.source_url,
            "region_wide": article.region_id is not None,
            "body": article.body,
        }


class ArchiveForm(forms.Form):
    archived_on = DayField(
        label=_("Archived on"),
        required=False,
        widget=_date_input(),
        help_text=_("Today when left empty."),
    )


class NoticeBlockForm(forms.Form):
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "autofocus": True}),
        help_text=RICH_TEXT_HELP,
    )


class CiteForm(forms.Form):
    article = forms.ModelChoiceField(
        label=_("Policy article"), queryset=PolicyArticle.objects.none()
    )

    def __init__(self, *args: Any, articles: QuerySet[PolicyArticle], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["article"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = articles


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.username})" if obj.full_name else obj.username


class StaffTrainingForm(forms.Form):
    market = forms.ModelChoiceField(label=_("Market"), queryset=Market.objects.none())
    user = StaffChoice(label=_("Staff member"), queryset=User.objects.none())
    title = forms.CharField(label=_("Training"), max_length=200)
    provider = forms.CharField(label=_("Provider"), max_length=200)
    date = DayField(label=_("Date"), widget=_date_input())
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_digits=5, decimal_places=1)
    certificate = forms.CharField(label=_("Certificate"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, markets: QuerySet[Market], staff: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        market_field = self.fields["market"]
        user_field = self.fields["user"]
        assert isinstance(market_field, forms.ModelChoiceField)  # noqa: S101
        assert isinstance(user_field, forms.ModelChoiceField)  # noqa: S101
        market_field.queryset = markets
        user_field.queryset = staff
        if markets.count() == 1:
            market_field.initial = markets.first()
        user_field.widget.attrs["autofocus"] = True
