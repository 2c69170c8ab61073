"""Exports of lists (导出), included by backoffice/urls.py under /exports/."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.export_list, name="export_list"),
    path("new/", views.export_new, name="export_new"),
    path("<int:pk>/", views.export_detail, name="export_detail"),
    path("<int:pk>/download/", views.export_download, name="export_download"),
]
