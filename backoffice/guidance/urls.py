"""The guidance pages of the back office (included by backoffice/urls.py under /guidance/)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("new/", views.guidance_new, name="guidance_new"),
    path("rooms/", views.guidance_rooms, name="guidance_rooms"),
    path("rooms/new/", views.guidance_room_new, name="guidance_room_new"),
    path("rooms/<int:pk>/edit/", views.guidance_room_edit, name="guidance_room_edit"),
    path(
        "rooms/bookings/<int:pk>/cancel/",
        views.guidance_booking_cancel,
        name="guidance_booking_cancel",
    ),
    path("<int:pk>/", views.guidance_detail, name="guidance_detail"),
    path("<int:pk>/sessions/", views.guidance_session, name="guidance_session"),
    path("<int:pk>/refer/", views.guidance_refer_view, name="guidance_refer"),
    path(
        "<int:pk>/referrals/<int:referral_pk>/outcome/",
        views.guidance_referral_outcome,
        name="guidance_referral_outcome",
    ),
    path("<int:pk>/close/", views.guidance_close_view, name="guidance_close"),
]
