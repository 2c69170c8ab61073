from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from markets.selectors import market_list_visible_to, membership_list_for_user

from . import health as checks
from .access import is_inspector, is_system_admin, led_market_ids


def home(request: HttpRequest) -> HttpResponse:
    """The staff home page: who you are, your markets and roles."""
    user = request.user
    memberships = membership_list_for_user(user=user)  # type: ignore[arg-type]
    markets = list(market_list_visible_to(user=user))  # type: ignore[arg-type]
    led = set(led_market_ids(user))
    inspects = is_inspector(user)
    return render(
        request,
        "backoffice/home.html",
        {
            "memberships": memberships,
            "markets": [(market, inspects or market.pk in led) for market in markets],
            "can_use_admin_site": user.has_perm("accounts.use_admin_site"),
            "reads_sync": inspects or is_system_admin(user),
        },
    )


def _health_answer(results: dict[str, bool]) -> JsonResponse:
    """200 when every part answered, else 503; each part named "ok" or "down"."""
    healthy = all(results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable"}
        | {name: "ok" if ok else "down" for name, ok in results.items()},
        status=200 if healthy else 503,
    )


@login_not_required
@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For operators and the smoke test: 200 when the database and the broker answer."""
    return _health_answer({"database": checks.database_ok(), "broker": checks.broker_ok()})


@login_not_required
@require_GET
@never_cache
def health_live(request: HttpRequest) -> JsonResponse:
    """For the process supervisor: 200 while this process answers; asks nothing else."""
    return JsonResponse({"status": "ok"})


@login_not_required
@require_GET
@never_cache
def health_ready(request: HttpRequest) -> JsonResponse:
    """For the load balancer: 200 when the database, the cache, the broker and the default
    storage all answer; 503 naming each part that does not."""
    return _health_answer(
        {
            "database": checks.database_ok(),
            "cache": checks.cache_ok(),
            "broker": checks.broker_ok(),
            "storage": checks.storage_ok(),
        }
    )
