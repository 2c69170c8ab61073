"""The bell (站内通知) of every signed-in member of staff (included by backoffice/urls.py under
/notifications/)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.notification_list, name="notifications"),
    path("<int:pk>/read/", views.notification_read, name="notification_read"),
]
