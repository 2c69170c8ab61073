"""The training pages of the back office (included by backoffice/urls.py)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("programmes/", views.programme_list, name="training_programmes"),
    path("programmes/new/", views.programme_new, name="training_programme_new"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="training_programme_edit"),
    path("providers/new/", views.provider_new, name="training_provider_new"),
    path("providers/<int:pk>/edit/", views.provider_edit, name="training_provider_edit"),
    path("refer/", views.refer, name="training_refer"),
    path("wishes/", views.wish_record, name="training_wish"),
    path("report/", views.report, name="training_report"),
    path("<int:pk>/", views.referral_detail, name="training_referral"),
    path("<int:pk>/<str:step>/", views.referral_step, name="training_referral_step"),
]
