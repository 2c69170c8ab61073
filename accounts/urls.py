from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("second-factor/setup/", views.otp_setup, name="otp_setup"),
    path("second-factor/backup-codes/", views.backup_codes_renew, name="backup_codes"),
    path("password/", views.password_change, name="password_change"),
]
