"""The applicant's page (their whole history) and correcting their name or mobile, its own
audited action, never intake's (included by backoffice/urls.py under /applicants/)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/", views.applicant_detail, name="applicant_detail"),
    path("<int:pk>/reveal-id/", views.applicant_reveal_id, name="applicant_reveal_id"),
    path("<int:pk>/change/", views.applicant_change, name="applicant_change"),
]
