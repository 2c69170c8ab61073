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
    path("register/seeker/", views.register_seeker, name="register_seeker"),
    path("register/employer/", views.register_employer, name="register_employer"),
    path("profile/", views.profile, name="profile"),
    path("postings/new/", views.posting_new, name="posting_new"),
    path("postings/", views.postings, name="postings"),
    path("postings/<int:pk>/", views.posting, name="posting"),
    path("postings/<int:pk>/correct/", views.posting_correct, name="posting_correct"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/<int:pk>/receipt/", views.case_receipt, name="case_receipt"),
    path("cases/<int:pk>/rate/", views.case_rate, name="case_rate"),
    path("jobs/", views.matches, name="matches"),
]
