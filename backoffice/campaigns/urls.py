"""The campaigns pages of the back office (included by backoffice/urls.py)."""

from django.urls import URLPattern, path

from . import views as campaigns_views

urlpatterns: list[URLPattern] = [
    path("", campaigns_views.campaign_list, name="campaigns_list"),
    path("<int:pk>/", campaigns_views.campaign_detail, name="campaigns_detail"),
    path("<int:pk>/<slug:what>/", campaigns_views.campaign_record, name="campaigns_record"),
]
