"""Correcting an applicant's name or mobile: its own audited action, never intake's (included by
backoffice/urls.py under /applicants/)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/change/", views.applicant_change, name="applicant_change"),
]
