"""Monthly statistics (standard art. 15): the figures of a month and the records behind them."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.statistics, name="statistics"),
    path("records/", views.statistics_records, name="statistics_records"),
]
