from django.urls import path

from . import views

app_name = "online"

urlpatterns = [
    path("", views.sign_in, name="sign_in"),
    path("code/", views.sign_in_code, name="sign_in_code"),
    path("choose/", views.choose, name="choose"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("home/", views.home, name="home"),
    path("register/", views.register, name="register"),
]
