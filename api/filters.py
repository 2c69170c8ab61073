"""Filters of the public postings search (django-filter)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import connection
from django.db.models import DateField, F, Func, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from workflows.postings.models import PayMethod, Posting
from workflows.postings.selectors import occupation_search

CODE = r"^[0-9A-Za-z-]{1,20}$"


class PostingFilter(django_filters.FilterSet):
    market = django_filters.NumberFilter(field_name="market_id", label=_("market id"))
    occupation = django_filters.CharFilter(
        method="_occupation", max_length=50, label=_("occupation: code, name or other name")
    )
    occupation_code = django_filters.CharFilter(
        method="_occupation_code", max_length=20, label=_("occupation code or group prefix")
    )
    county = django_filters.CharFilter(
        method="_county", max_length=12, label=_("division code prefix of the work place")
    )
    place = django_filters.CharFilter(
        field_name="address", lookup_expr="contains", max_length=50, label=_("address contains")
    )
    wage_min = django_filters.NumberFilter(
        field_name="pay_max",
        lookup_expr="gte",
        min_value=0,
        max_value=10**7,
        label=_("pays at least"),
    )
    wage_max = django_filters.NumberFilter(
        field_name="pay_min",
        lookup_expr="lte",
        min_value=0,
        max_value=10**7,
        label=_("pays at most"),
    )
    pay_method = django_filters.ChoiceFilter(choices=PayMethod.choices, label=_("pay method"))
    works_on = django_filters.DateFilter(method="_works_on", label=_("a working day"))
    published_since = django_filters.DateFilter(
        field_name="published_at", lookup_expr="date__gte", label=_("published on or after")
    )

    class Meta:
        model = Posting
        fields: list[str] = []

    # Typed parameters: an empty value is refused (400), not read as "no filter".
    TYPED = ("market", "wage_min", "wage_max", "pay_method", "works_on", "published_since")

    def is_valid(self) -> bool:
        valid: bool = super().is_valid()
        for name in self.TYPED:
            if name in self.data and not str(self.data.get(name) or "").strip():
                self.form.add_error(name, _("Give a value, or leave the parameter out."))
                valid = False
        return valid

    def _occupation(self, queryset: QuerySet[Posting], name: str, value: Any) -> QuerySet[Posting]:
        text = str(value).strip()
        if not text:
            return queryset
        return queryset.filter(occupation__in=occupation_search(text=text))

    def _occupation_code(
        self, queryset: QuerySet[Posting], name: str, value: Any
    ) -> QuerySet[Posting]:
        code = str(value).strip().rstrip("-")
        if not code:
            return queryset
        return queryset.filter(
            Q(occupation__code=code) | Q(occupation__code__startswith=f"{code}-")
        )

    def _county(self, queryset: QuerySet[Posting], name: str, value: Any) -> QuerySet[Posting]:
        code = str(value).strip()
        if not code:
            return queryset
        return queryset.filter(county__code__startswith=code)

    def _works_on(self, queryset: QuerySet[Posting], name: str, value: Any) -> QuerySet[Posting]:
        if connection.vendor == "sqlite":
            # SQLite would read every published posting still running through the (status,
            # end_date) index and sort them all for the newest 20; "+end_date" (a no-op)
            # keeps that index out, so it walks the newest published first and stops at the
            # page's last match (bench/api.py, "a wage range on a working day").
            queryset = queryset.alias(
                _ends=Func(F("end_date"), template="+%(expressions)s", output_field=DateField())
            )
            return queryset.filter(start_date__lte=value, _ends__gte=value)
        return queryset.filter(start_date__lte=value, end_date__gte=value)
