"""The noticeboard pages of the back office (included by backoffice/urls.py)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.index, name="noticeboard_index"),
    path("<int:market_id>/", views.market_board, name="noticeboard_market"),
    path("<int:market_id>/articles/new/", views.article_new, name="noticeboard_article_new"),
    path("articles/<int:pk>/edit/", views.article_edit, name="noticeboard_article_edit"),
    path("articles/<int:pk>/archive/", views.article_archive, name="noticeboard_article_archive"),
    path("<int:market_id>/texts/<str:kind>/", views.block_edit, name="noticeboard_block_edit"),
    path(
        "cases/<int:case_pk>/citations/",
        views.case_citations,
        name="noticeboard_case_citations",
    ),
    path("staff-training/", views.staff_training, name="noticeboard_staff_training"),
    path(
        "staff-training/new/",
        views.staff_training_new,
        name="noticeboard_staff_training_new",
    ),
]
