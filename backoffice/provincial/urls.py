"""The provincial platform link's staff page (included by backoffice/urls.py under /provincial/)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.status, name="provincial_status"),
    path("dead-letters/<int:pk>/retry/", views.retry, name="provincial_retry"),
    path("dead-letters/retry-all/", views.retry_all, name="provincial_retry_all"),
]
