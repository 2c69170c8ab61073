"""``/api/v1/``: every address is open to anyone at the door (``login_not_required``); each
endpoint decides who may call it (api.authentication, api.permissions)."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from oauth2_provider.views import TokenView

from . import views

app_name = "api"


def _open(view: Callable[..., Any]) -> Callable[..., Any]:
    return login_not_required(view)


urlpatterns = [
    path("schema/", _open(SpectacularAPIView.as_view()), name="schema"),
    path(
        "docs/",
        _open(
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema", template_name="api/swagger_ui.html"
            )
        ),
        name="docs",
    ),
    path("oauth/token/", _open(TokenView.as_view()), name="token"),
    path("postings/", _open(views.PostingPublicList.as_view()), name="postings"),
    path("postings/<int:pk>/", _open(views.PostingPublicDetail.as_view()), name="posting"),
    path("markets/", _open(views.MarketList.as_view()), name="markets"),
    path("markets/<int:pk>/", _open(views.MarketDetail.as_view()), name="market"),
]

# Other systems (OAuth 2.0 client credentials, scopes per endpoint).
urlpatterns += [
    path("client/postings/", _open(views.ClientPostingList.as_view()), name="client_postings"),
    path(
        "client/postings/<int:pk>/",
        _open(views.ClientPostingDetail.as_view()),
        name="client_posting",
    ),
    path(
        "client/postings/<int:pk>/withdraw/",
        _open(views.ClientPostingWithdraw.as_view()),
        name="client_posting_withdraw",
    ),
    path(
        "client/postings/<int:pk>/fill/",
        _open(views.ClientPostingFill.as_view()),
        name="client_posting_fill",
    ),
    path(
        "client/postings/<int:pk>/extend/",
        _open(views.ClientPostingExtend.as_view()),
        name="client_posting_extend",
    ),
    path(
        "client/postings/<int:pk>/resubmit/",
        _open(views.ClientPostingResubmit.as_view()),
        name="client_posting_resubmit",
    ),
    path("client/cases/", _open(views.ClientCaseList.as_view()), name="client_cases"),
    path("client/referrals/", _open(views.ClientReferralList.as_view()), name="client_referrals"),
    path("client/feed/", _open(views.ClientFeed.as_view()), name="client_feed"),
]

# An applicant's own records (the session of the online pages).
urlpatterns += [
    path("me/", _open(views.Me.as_view()), name="me"),
    path("me/cases/", _open(views.OwnCaseList.as_view()), name="own_cases"),
    path("me/cases/<int:pk>/", _open(views.OwnCaseDetail.as_view()), name="own_case"),
    path("me/postings/", _open(views.OwnPostingList.as_view()), name="own_postings"),
    path("me/postings/<int:pk>/", _open(views.OwnPostingDetail.as_view()), name="own_posting"),
    path(
        "me/postings/<int:pk>/withdraw/",
        _open(views.OwnPostingWithdraw.as_view()),
        name="own_posting_withdraw",
    ),
    path(
        "me/postings/<int:pk>/fill/", _open(views.OwnPostingFill.as_view()), name="own_posting_fill"
    ),
    path(
        "me/postings/<int:pk>/extend/",
        _open(views.OwnPostingExtend.as_view()),
        name="own_posting_extend",
    ),
    path(
        "me/postings/<int:pk>/resubmit/",
        _open(views.OwnPostingResubmit.as_view()),
        name="own_posting_resubmit",
    ),
    path(
        "me/cases/<int:pk>/withdraw/",
        _open(views.OwnCaseWithdraw.as_view()),
        name="own_case_withdraw",
    ),
    path(
        "me/cases/<int:pk>/materials/",
        _open(views.OwnCaseMaterials.as_view()),
        name="own_case_materials",
    ),
    path("me/referrals/", _open(views.OwnReferralList.as_view()), name="own_referrals"),
    path("me/matches/", _open(views.OwnMatchList.as_view()), name="own_matches"),
]
