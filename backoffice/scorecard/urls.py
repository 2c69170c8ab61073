"""The market scorecard, the facility profile and the inspections, included by
backoffice/urls.py under /scorecard/."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.scorecard_index, name="scorecard_index"),
    path("market/<int:market_id>/", views.scorecard_market, name="scorecard_market"),
    path("market/<int:market_id>/facility/", views.facility_profile, name="facility_profile"),
    path(
        "market/<int:market_id>/facility/edit/",
        views.facility_profile_edit,
        name="facility_profile_edit",
    ),
    path("market/<int:market_id>/inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("photos/<int:pk>/", views.inspection_photo, name="inspection_photo"),
    path("rectifications/", views.facility_rectifications, name="facility_rectifications"),
    path(
        "rectifications/<int:pk>/",
        views.facility_rectification,
        name="facility_rectification",
    ),
    path(
        "rectifications/<int:pk>/report/",
        views.facility_rectification_report_view,
        name="facility_rectification_report",
    ),
    path(
        "rectifications/<int:pk>/close/",
        views.facility_rectification_close_view,
        name="facility_rectification_close",
    ),
]
