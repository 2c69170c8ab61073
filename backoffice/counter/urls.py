"""The counter (即时快招): take and moderate postings, register and serve job seekers (included
by backoffice/urls.py under /counter/)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("postings/", views.posting_queue, name="counter_postings"),
    path("postings/new/", views.posting_new, name="counter_posting_new"),
    path("postings/published/", views.posting_published, name="counter_postings_published"),
    path("postings/<int:pk>/", views.posting_detail, name="counter_posting"),
    path("postings/<int:pk>/correct/", views.posting_correct, name="counter_posting_correct"),
    *(
        path(
            f"postings/<int:pk>/{verb}/",
            views.posting_action,
            {"verb": verb},
            name=f"counter_posting_{verb}",
        )
        for verb in ("publish", "return", "reject", "fill", "withdraw", "extend")
    ),
    path("seekers/new/", views.seeker_new, name="counter_seeker_new"),
    path("seekers/<int:pk>/", views.seeker_detail, name="counter_seeker"),
    path("seekers/<int:pk>/update/", views.seeker_update_view, name="counter_seeker_update"),
    path("seekers/<int:pk>/guidance/", views.seeker_guidance, name="counter_seeker_guidance"),
    path("seekers/<int:pk>/refer/", views.seeker_refer, name="counter_seeker_refer"),
    path(
        "referrals/<int:pk>/outcome/",
        views.referral_outcome,
        name="counter_referral_outcome",
    ),
]
