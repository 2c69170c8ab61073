"""The startup pages of the back office (included by backoffice/urls.py)."""

from django.urls import URLPattern, path

from . import views as startup_views

urlpatterns: list[URLPattern] = [
    path("", startup_views.startup_list, name="startup_list"),
    path("new/", startup_views.startup_new, name="startup_new"),
    path("<int:pk>/", startup_views.startup_detail, name="startup_case"),
    path("<int:pk>/items/<str:item>/", startup_views.startup_item, name="startup_item"),
    path("<int:pk>/loan-precheck/", startup_views.startup_precheck, name="startup_precheck"),
    path("<int:pk>/complete/", startup_views.startup_complete, name="startup_complete"),
]
