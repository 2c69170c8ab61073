"""The staff home page (included by backoffice/urls.py at the root)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
]
