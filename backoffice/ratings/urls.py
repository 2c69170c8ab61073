"""The satisfaction ratings (好差评), included by backoffice/urls.py under /ratings/. Both
pages are keyed by the case: the rated one (the tablet) or the rectification's."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("cases/<int:pk>/tablet/", views.rating_tablet, name="rating_tablet"),
    path("rectifications/<int:pk>/", views.rectification, name="rectification"),
    path("rectifications/<int:pk>/visit/", views.rectification_visit, name="rectification_visit"),
    path(
        "rectifications/<int:pk>/close/",
        views.rectification_close_view,
        name="rectification_close",
    ),
]
