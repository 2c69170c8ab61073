from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from backoffice.common.views import health

urlpatterns = [
    path("", include("backoffice.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("portal/", include("portal.urls")),
    path("api/v1/", include("api.urls")),
    path("health/", health, name="health"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
]
