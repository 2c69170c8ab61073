"""Absence cover (AB岗), included by backoffice/urls.py under /absences/."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    # The team lead's list of absences of their markets, with the form to record one.
    path("", views.absence_list, name="absences"),
    path("<int:pk>/end/", views.absence_end_early, name="absence_end"),
    path("<int:pk>/cancel/", views.absence_cancel_view, name="absence_cancel"),
    # The deputy's tab: the open cases of the officers they cover for.
    path("covering/", views.covering, name="absences_covering"),
]
