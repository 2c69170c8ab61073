"""The API's endpoints: thin, as the pages' views are. They parse, call one selector or
service, and answer; errors become problems (``api.problems``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from cases.intake import ApplicantGiven
from cases.models import Applicant, Case, Channel
from markets.models import Market
from workflows.postings.models import Posting
from workflows.postings.services import (
    posting_extend,
    posting_fill,
    posting_take_in,
    posting_withdraw,
)

from . import events, selectors
from .authentication import caller_of
from .desk import client_desk
from .filters import PostingFilter
from .idempotency import idempotent
from .models import ApiClient, Scope
from .pagination import ApiCursorPagination
from .permissions import ClientScope, SignedInApplicant
from .serializers import (
    POSTING_WRITABLE,
    CaseClientSerializer,
    EndDateSerializer,
    MarketDetailSerializer,
    MarketSerializer,
    MeSerializer,
    OwnCaseSerializer,
    OwnPostingSerializer,
    PostingClientSerializer,
    PostingCreateSerializer,
    PostingPublicSerializer,
    ReasonSerializer,
    service_data,
)


class EmptySerializer(serializers.Serializer[Any]):
    pass


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


# --- Other systems (OAuth 2.0 client credentials) ---------------------------------------------


class NewestFirst(ApiCursorPagination):
    ordering = ("-pk",)


def _client(request: Request) -> ApiClient:
    client = caller_of(request).client
    if client is None:  # the permission has let only clients through
        raise PermissionDenied
    return client


def _client_posting(request: Request, pk: int) -> Posting:
    return get_object_or_404(selectors.posting_list_for_client(client=_client(request)), pk=pk)


def _recorded(request: Request, posting: Posting, action: str, **values: Any) -> None:
    events.api_write_event(
        _client(request),
        action=action,
        target=posting,
        market=posting.market,
        values={"status": posting.status, **values},
        ip_address=caller_of(request).address or None,
    )


@extend_schema(tags=["systems"])
class ClientPostingList(generics.ListCreateAPIView[Posting]):
    """The postings of the client's markets (``postings:read``); a new posting for an
    employer in one of them (``postings:write``), taken in as the counter takes one
    (``posting_take_in``, channel ``platform``): screened, and waiting for review in the
    market's queue."""

    permission_classes = [ClientScope]
    required_scope = Scope.POSTINGS_READ
    required_write_scope = Scope.POSTINGS_WRITE
    serializer_class = PostingClientSerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Posting.objects.none()
        return selectors.posting_list_for_client(client=_client(self.request))

    @extend_schema(request=PostingCreateSerializer, responses={201: PostingClientSerializer})
    @idempotent
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        client = _client(request)
        given = PostingCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = dict(given.validated_data)
        market = selectors.market_list_public().filter(pk=values["market"]).first()
        if market is None or market.pk not in selectors.client_market_ids(client=client):
            raise PermissionDenied(_("This market is not one the client may act in."))
        employer = values["employer"]
        desk = client_desk(client=client, market=market)
        with transaction.atomic():
            posting = posting_take_in(
                actor=desk,
                market=market,
                employer=ApplicantGiven(
                    name=employer["name"],
                    id_number=employer.get("id_number", ""),
                    credit_code=employer.get("credit_code", ""),
                    mobile=employer.get("mobile", ""),
                ),
                data={name: values[name] for name in POSTING_WRITABLE if name in values},
                publish=False,
                channel=Channel.PLATFORM,
                claimed=False,
            )
            _recorded(request, posting, "api.posting_created")
        posting = _client_posting(request, posting.pk)
        return Response(
            PostingClientSerializer(posting).data,
            status=201,
            headers={"Location": f"/api/v1/client/postings/{posting.pk}/"},
        )


@extend_schema(tags=["systems"])
class ClientPostingDetail(generics.RetrieveAPIView[Posting]):
    permission_classes = [ClientScope]
    required_scope = Scope.POSTINGS_READ
    serializer_class = PostingClientSerializer

    def get_object(self) -> Posting:
        return _client_posting(self.request, self.kwargs["pk"])


class _ClientPostingAction(generics.GenericAPIView[Posting]):
    """A verb on one posting of the client's markets, through the postings' own service."""

    permission_classes = [ClientScope]
    required_scope = Scope.POSTINGS_WRITE
    serializer_class = ReasonSerializer
    action_name = ""

    def run(self, posting: Posting, desk: Any, values: dict[str, Any]) -> Posting:
        raise NotImplementedError

    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        posting = _client_posting(request, pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        desk = client_desk(client=_client(request), market=posting.market)
        with transaction.atomic():
            posting = self.run(posting, desk, dict(serializer.validated_data))
            _recorded(request, posting, f"api.posting_{self.action_name}")
        return Response(PostingClientSerializer(_client_posting(request, pk)).data)


@extend_schema(tags=["systems"], request=ReasonSerializer, responses=PostingClientSerializer)
class ClientPostingWithdraw(_ClientPostingAction):
    action_name = "withdrawn"

    def run(self, posting: Posting, desk: Any, values: dict[str, Any]) -> Posting:
        return posting_withdraw(actor=desk, posting=posting, reason=values["reason"])


@extend_schema(tags=["systems"], request=None, responses=PostingClientSerializer)
class ClientPostingFill(_ClientPostingAction):
    serializer_class = EmptySerializer
    action_name = "filled"

    def run(self, posting: Posting, desk: Any, values: dict[str, Any]) -> Posting:
        return posting_fill(actor=desk, posting=posting)


@extend_schema(tags=["systems"], request=EndDateSerializer, responses=PostingClientSerializer)
class ClientPostingExtend(_ClientPostingAction):
    serializer_class = EndDateSerializer
    action_name = "extended"

    def run(self, posting: Posting, desk: Any, values: dict[str, Any]) -> Posting:
        return posting_extend(actor=desk, posting=posting, end_date=values["end_date"])


@extend_schema(tags=["systems"])
class ClientCaseList(generics.ListAPIView[Case]):
    """The cases of the client's markets (``cases:read``), masked."""

    permission_classes = [ClientScope]
    required_scope = Scope.CASES_READ
    serializer_class = CaseClientSerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return selectors.case_list_for_client(client=_client(self.request))


# --- An applicant's own records (the session of the online pages) ------------------------------


def _applicant(request: Request) -> Applicant:
    applicant = caller_of(request).applicant
    if applicant is None:  # the permission has let only applicants through
        raise PermissionDenied
    return applicant


@extend_schema(tags=["applicants"])
class Me(generics.GenericAPIView[Any]):
    permission_classes = [SignedInApplicant]
    serializer_class = MeSerializer

    def get(self, request: Request) -> Response:
        return Response(MeSerializer(_applicant(request)).data)


@extend_schema(tags=["applicants"])
class OwnCaseList(generics.ListAPIView[Case]):
    """The applicant's own cases, each with its single notice if one was issued."""

    permission_classes = [SignedInApplicant]
    serializer_class = OwnCaseSerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return selectors.case_list_of_applicant(applicant=_applicant(self.request))


@extend_schema(tags=["applicants"])
class OwnCaseDetail(generics.RetrieveAPIView[Case]):
    """One of the applicant's own cases; another's is not found (404)."""

    permission_classes = [SignedInApplicant]
    serializer_class = OwnCaseSerializer

    def get_object(self) -> Case:
        return get_object_or_404(
            selectors.case_list_of_applicant(applicant=_applicant(self.request)),
            pk=self.kwargs["pk"],
        )


@extend_schema(tags=["applicants"])
class OwnPostingList(generics.ListAPIView[Posting]):
    """The postings the applicant offers as an employer."""

    permission_classes = [SignedInApplicant]
    serializer_class = OwnPostingSerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Posting.objects.none()
        return selectors.posting_list_of_employer(applicant=_applicant(self.request))


@extend_schema(tags=["applicants"])
class OwnPostingDetail(generics.RetrieveAPIView[Posting]):
    permission_classes = [SignedInApplicant]
    serializer_class = OwnPostingSerializer

    def get_object(self) -> Posting:
        return get_object_or_404(
            selectors.posting_list_of_employer(applicant=_applicant(self.request)),
            pk=self.kwargs["pk"],
        )
