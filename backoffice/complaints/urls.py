"""The complaints pages of the back office (included by backoffice/urls.py under /complaints/)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.complaint_list, name="complaints_list"),
    path("new/", views.complaint_new, name="complaints_new"),
    path("<int:pk>/", views.complaint_detail, name="complaints_detail"),
    path("<int:pk>/accept/", views.complaint_accept, name="complaints_accept"),
    path("<int:pk>/decline/", views.complaint_decline, name="complaints_decline"),
    path("<int:pk>/refer/", views.complaint_refer, name="complaints_refer"),
    path(
        "<int:pk>/referrals/<int:referral_pk>/",
        views.complaint_referral_update,
        name="complaints_referral_update",
    ),
    path(
        "<int:pk>/suspend-posting/",
        views.complaint_suspend_posting,
        name="complaints_suspend_posting",
    ),
    path("<int:pk>/resolve/", views.complaint_resolve, name="complaints_resolve"),
    path("<int:pk>/satisfaction/", views.complaint_satisfaction, name="complaints_satisfaction"),
]
