"""The welfare pages of the back office (included by backoffice/urls.py)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("apply/", views.welfare_apply_page, name="welfare_apply"),
    path("placements/", views.welfare_placements, name="welfare_placements"),
    path("<int:pk>/", views.welfare_application, name="welfare_application"),
    path(
        "<int:pk>/<slug:verb>/",
        views.welfare_application_action,
        name="welfare_application_action",
    ),
]
