"""The startup pages of the back office (included by backoffice/urls.py)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.startup_list, name="startup_list"),
    path("new/", views.startup_new, name="startup_new"),
    path("<int:pk>/", views.startup_detail, name="startup_case"),
    path("<int:pk>/items/<str:item>/", views.startup_item, name="startup_item"),
    path("<int:pk>/loan-precheck/", views.startup_precheck, name="startup_precheck"),
    path("<int:pk>/complete/", views.startup_complete, name="startup_complete"),
]
