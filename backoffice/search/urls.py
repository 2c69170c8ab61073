"""The search box's page (included by backoffice/urls.py under /search/)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.search, name="search"),
]
