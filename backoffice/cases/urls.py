"""The officer's pages (案件), included by backoffice/urls.py under /cases/."""

from django.urls import URLPattern, path

from ..common import attachments
from . import views
from .actions import ACTIONS

urlpatterns: list[URLPattern] = [
    path("", views.workbench, name="workbench"),
    path("new/", views.case_new, name="case_new"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/notice/", views.case_notice_print, name="case_notice"),
    path("<int:pk>/receipt/", views.case_receipt_print, name="case_receipt"),
    path("<int:pk>/reveal-id/", views.case_reveal_id, name="case_reveal_id"),
    path("<int:pk>/applicant-export/", views.applicant_export, name="case_applicant_export"),
    # One URL per action, each calling one service: /cases/<pk>/claim/, /cases/<pk>/resolve/ …
    *(
        path(
            f"<int:pk>/{verb.replace('_', '-')}/",
            views.case_action,
            {"verb": verb},
            name=f"case_{verb}",
        )
        for verb in ACTIONS
    ),
    path(
        "<int:pk>/attachments/",
        attachments.case_attachment_upload,
        name="case_attachment_upload",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        attachments.case_attachment_download,
        name="case_attachment_download",
    ),
    path("transfers/<int:pk>/accept/", views.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/decline/", views.transfer_decline, name="transfer_decline"),
    # The team lead's view of a market.
    path("market/<int:market_id>/", views.market_cases, name="market_cases"),
    path(
        "market/<int:market_id>/reassign/",
        views.market_cases_reassign,
        name="market_cases_reassign",
    ),
    # Saved views of the lists (each user's own).
    path("views/", views.saved_views, name="saved_views"),
    path("views/save/", views.saved_view_save, name="saved_view_save"),
    path("views/<int:pk>/rename/", views.saved_view_rename_view, name="saved_view_rename"),
    path("views/<int:pk>/delete/", views.saved_view_delete_view, name="saved_view_delete"),
]
