"""The campaigns pages of the back office (included by backoffice/urls.py)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.campaign_list, name="campaigns_list"),
    path("<int:pk>/", views.campaign_detail, name="campaigns_detail"),
    path("<int:pk>/<slug:what>/", views.campaign_record, name="campaigns_record"),
]
