from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from backoffice.common.views import health, health_live, health_ready
from config.metrics import metrics

urlpatterns = [
    path("", include("backoffice.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("portal/", include("portal.urls")),
    path("api/v1/", include("api.urls")),
    path("health/", health, name="health"),
    path("health/live/", health_live, name="health_live"),
    path("health/ready/", health_ready, name="health_ready"),
    path("metrics", metrics, name="metrics"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
]

# A 500 that is really Redis or the object storage down answers 503 (config/unavailable.py).
handler500 = "config.unavailable.server_error"
