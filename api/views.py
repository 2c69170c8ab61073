"""The API's endpoints: thin, as the pages' views are. They parse, call one selector or
service, and answer; errors become problems (``api.problems``)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from markets.models import Market
from workflows.postings.models import Posting

from . import selectors
from .filters import PostingFilter
from .pagination import ApiCursorPagination
from .serializers import (
    MarketDetailSerializer,
    MarketSerializer,
    PostingPublicSerializer,
    service_data,
)


class PublishedOrder(ApiCursorPagination):
    ordering = ("-published_at", "-pk")


class MarketOrder(ApiCursorPagination):
    ordering = ("pk",)


@extend_schema(tags=["public"], summary="Search published postings")
class PostingPublicList(generics.ListAPIView[Posting]):
    """Published postings of every active market, newest first; no sign-in needed."""

    serializer_class = PostingPublicSerializer
    filterset_class = PostingFilter
    pagination_class = PublishedOrder

    def get_queryset(self) -> Any:
        return selectors.posting_list_public()


@extend_schema(tags=["public"], summary="One published posting")
class PostingPublicDetail(generics.RetrieveAPIView[Posting]):
    serializer_class = PostingPublicSerializer

    def get_queryset(self) -> Any:
        return selectors.posting_list_public()


@extend_schema(tags=["public"], summary="The market directory")
class MarketList(generics.ListAPIView[Market]):
    """The active markets with their address, public phone and opening hours."""

    serializer_class = MarketSerializer
    pagination_class = MarketOrder

    def get_queryset(self) -> Any:
        return selectors.market_list_public()


@extend_schema(tags=["public"], summary="One market, with its services' time limits")
class MarketDetail(generics.RetrieveAPIView[Market]):
    """A market with each service's published time limits (限时办结) and materials (材料清单),
    read from the same policies and checklists as its notice board."""

    serializer_class = MarketDetailSerializer

    def get_queryset(self) -> Any:
        return selectors.market_list_public()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        market = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        data = dict(MarketSerializer(market).data)
        data["services"] = [
            service_data(service) for service in selectors.market_services_public(market=market)
        ]
        return Response(data)
