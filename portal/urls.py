from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:market_id>/screen/", views.screen, name="screen"),
    path("<int:market_id>/screen/figures/", views.screen_figures, name="screen_figures"),
    path("<int:market_id>/kiosk/", views.kiosk, name="kiosk"),
    path("<int:market_id>/kiosk/postings/<int:pk>/", views.kiosk_posting, name="kiosk_posting"),
    path("<int:market_id>/kiosk/status/", views.kiosk_status, name="kiosk_status"),
]

# Satisfaction ratings (好差评): at the kiosk, and through the completion text message's link.
from . import rating_views  # noqa: E402

urlpatterns += [
    path("<int:market_id>/kiosk/rate/", rating_views.kiosk_rate, name="kiosk_rate"),
    path("rate/<str:token>/", rating_views.rate_link, name="rate_link"),
]

# The notice board (公示栏, standard art. 19–21, 24).
from . import noticeboard_views  # noqa: E402

urlpatterns += [
    path("<int:market_id>/board/", noticeboard_views.noticeboard, name="noticeboard"),
]

# Online self-service (网上办事): sign-in with a code by text message, registration, postings,
# one's own cases.
from django.urls import include  # noqa: E402

urlpatterns += [path("online/", include("portal.online.urls"))]
