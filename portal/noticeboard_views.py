"""The public notice board of a market (公示栏, standard art. 19–21, 24): no sign-in, no
personal data. Employment policies (current, and archived with their dates), public-welfare
jobs, training programmes and providers, start-up services, each service's time limits and
materials (服务时限和材料清单公示, from the SLA policies and checklists the cases run on), the
service rules, the hotline and the complaint channels."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from noticeboard import selectors as board
from stats.selectors import screen_figures
from workflows.training import selectors as training

from . import selectors

WELFARE_JOBS_MAX = 30


@login_not_required
@require_GET
@never_cache  # a posting filled or withdrawn leaves the board at the next request
def noticeboard(request: HttpRequest, market_id: int) -> HttpResponse:
    market = get_object_or_404(selectors.market_list_public(), pk=market_id)
    welfare_jobs = selectors.posting_list_public(market=market).filter(is_public_welfare=True)
    return render(
        request,
        "portal/noticeboard/board.html",
        {
            "market": market,
            "current": board.policy_article_list_current(market=market),
            "archived": board.policy_article_list_archived(market=market),
            "welfare_jobs": welfare_jobs[:WELFARE_JOBS_MAX],
            "programmes": training.programme_list_for_board(
                market=market, today=timezone.localdate()
            ),
            "providers": training.provider_list_for_board(market=market),
            "blocks": board.notice_block_map(market=market),
            "services": board.service_list_for_board(market=market),
            "monthly": screen_figures(market),
        },
    )
