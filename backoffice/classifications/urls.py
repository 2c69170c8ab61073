"""Type-ahead look-ups of the classifications the intake forms ask for: industries (GB/T
4754-2017) and occupations (职业分类大典 2022 and the market's own). Included by
backoffice/urls.py under /classifications/."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("industries/", views.industry_lookup, name="industry_lookup"),
    path("occupations/", views.occupation_lookup, name="occupation_lookup"),
    path("local-occupations/", views.local_occupations, name="local_occupations"),
]
