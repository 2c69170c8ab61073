"""The complaints pages of the back office (included by backoffice/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
