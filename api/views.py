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
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cases.intake import ApplicantGiven
from cases.models import Applicant, Case, Channel
from markets.models import Market
from online import selectors as online_selectors
from online import services as online
from workflows.guidance.models import Referral
from workflows.postings.models import Posting
from workflows.postings.services import (
    posting_extend,
    posting_fill,
    posting_resubmit,
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
from .parsers import StrictMultiPartParser
from .permissions import ClientScope, SignedInApplicant
from .serializers import (
    POSTING_WRITABLE,
    ApplySerializer,
    CaseClientSerializer,
    ClientReferralSerializer,
    EndDateSerializer,
    FeedMessageSerializer,
    HandInSerializer,
    MarketDetailSerializer,
    MarketSerializer,
    MatchSerializer,
    MeSerializer,
    OwnCaseSerializer,
    OwnPostingCreateSerializer,
    OwnPostingSerializer,
    OwnReferralSerializer,
    PostingClientSerializer,
    PostingCorrectionSerializer,
    PostingCreateSerializer,
    PostingPublicSerializer,
    ReasonSerializer,
    SeekerProfileChangeSerializer,
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


@extend_schema(
    tags=["systems"], request=PostingCorrectionSerializer, responses=PostingClientSerializer
)
class ClientPostingResubmit(_ClientPostingAction):
    """The corrected details of a posting returned for correction (only what changes),
    screened again; the review case goes back in progress (``posting_resubmit``)."""

    serializer_class = PostingCorrectionSerializer
    action_name = "resubmitted"

    def run(self, posting: Posting, desk: Any, values: dict[str, Any]) -> Posting:
        data = {name: values[name] for name in POSTING_WRITABLE if name in values}
        return posting_resubmit(actor=desk, posting=posting, data=data)


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


@extend_schema(tags=["systems"])
class ClientReferralList(generics.ListAPIView[Referral]):
    """The referrals (推荐岗位) made in the client's markets, with their outcomes
    (``cases:read``); the seeker's name masked."""

    permission_classes = [ClientScope]
    required_scope = Scope.CASES_READ
    serializer_class = ClientReferralSerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Referral.objects.none()
        return selectors.referral_list_for_client(client=_client(self.request))


class OldestFirst(ApiCursorPagination):
    ordering = ("pk",)


@extend_schema(tags=["systems"])
class ClientFeed(generics.ListAPIView[Any]):
    """The outbound changes of the client's markets (``sync``): every message the push to
    the provincial platform carries (docs/provincial-sync.md), in the order written (each
    record's in its ``sequence``), whatever its delivery. Follow ``next`` to the end, keep the
    last cursor, and come back with it for what is new; skip a message whose
    ``idempotency_key`` you have seen."""

    permission_classes = [ClientScope]
    required_scope = Scope.SYNC
    serializer_class = FeedMessageSerializer
    pagination_class = OldestFirst

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Posting.objects.none()
        return selectors.outbound_feed_for_client(client=_client(self.request))


# --- An applicant's own records (the session of the online pages) ------------------------------


def _applicant(request: Request) -> Applicant:
    applicant = caller_of(request).applicant
    if applicant is None:  # the permission has let only applicants through
        raise PermissionDenied
    return applicant


def _applicant_recorded(
    request: Request, target: Any, action: str, market: Any, **values: Any
) -> None:
    events.api_applicant_write_event(
        _applicant(request),
        action=action,
        target=target,
        market=market,
        values=values,
        ip_address=caller_of(request).address or None,
    )


def _me(applicant: Applicant) -> dict[str, Any]:
    seeker = online_selectors.seeker_profile_get(applicant=applicant)
    return dict(MeSerializer(applicant, context={"seeker": seeker}).data)


@extend_schema(tags=["applicants"])
class Me(generics.GenericAPIView[Any]):
    """The signed-in applicant; a job seeker keeps their profile current with ``PATCH``
    (the fields of the online profile page; anything else given is ignored)."""

    permission_classes = [SignedInApplicant]
    serializer_class = MeSerializer

    def get(self, request: Request) -> Response:
        return Response(_me(_applicant(request)))

    @extend_schema(request=SeekerProfileChangeSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        applicant = _applicant(request)
        given = SeekerProfileChangeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        changes = dict(given.validated_data)
        if not changes:
            raise ValidationError(
                {"non_field_errors": [_("Give at least one field of the profile to change.")]}
            )
        with transaction.atomic():
            visit = online.online_seeker_update(applicant=applicant, changes=changes)
            _applicant_recorded(
                request,
                visit.seeker,
                "api.profile_updated",
                online_selectors.seeker_registration_market(applicant=applicant),
                changed=sorted(visit.changed),
            )
        return Response(_me(applicant))


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


def _own_posting(request: Request, pk: int) -> Posting:
    return get_object_or_404(
        online_selectors.posting_list_of_employer(applicant=_applicant(request)), pk=pk
    )


@extend_schema(tags=["applicants"])
class OwnPostingList(generics.ListCreateAPIView[Posting]):
    """The postings the applicant offers as an employer; a new one submitted as on the
    online page (``online_posting_submit``: the counter's intake and lawful-content screen,
    channel ``online``, waiting for review in the market's queue on the online time limit).
    The employer is the signed-in applicant; a state, employer, owner or case in the body is
    ignored."""

    permission_classes = [SignedInApplicant]
    serializer_class = OwnPostingSerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Posting.objects.none()
        return online_selectors.posting_list_of_employer(applicant=_applicant(self.request))

    @extend_schema(request=OwnPostingCreateSerializer, responses={201: OwnPostingSerializer})
    @idempotent
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        applicant = _applicant(request)
        given = OwnPostingCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = dict(given.validated_data)
        market = selectors.market_list_public().filter(pk=values["market"]).first()
        if market is None:
            raise ValidationError({"market": [_("Choose an active market.")]})
        with transaction.atomic():
            posting = online.online_posting_submit(
                applicant=applicant,
                market=market,
                data={name: values[name] for name in POSTING_WRITABLE if name in values},
            )
            _applicant_recorded(
                request, posting, "api.posting_submitted", market, status=posting.status
            )
        return Response(
            OwnPostingSerializer(_own_posting(request, posting.pk)).data,
            status=201,
            headers={"Location": f"/api/v1/me/postings/{posting.pk}/"},
        )


@extend_schema(tags=["applicants"])
class OwnPostingDetail(generics.RetrieveAPIView[Posting]):
    permission_classes = [SignedInApplicant]
    serializer_class = OwnPostingSerializer

    def get_object(self) -> Posting:
        return _own_posting(self.request, self.kwargs["pk"])


class _OwnPostingAction(generics.GenericAPIView[Posting]):
    """A verb on one of the applicant's own postings, through the online service the pages
    use; another's posting is not found (404)."""

    permission_classes = [SignedInApplicant]
    serializer_class = ReasonSerializer
    action_name = ""

    def run(self, applicant: Applicant, posting: Posting, values: dict[str, Any]) -> Posting:
        raise NotImplementedError

    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        posting = _own_posting(request, pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            posting = self.run(_applicant(request), posting, dict(serializer.validated_data))
            _applicant_recorded(
                request,
                posting,
                f"api.posting_{self.action_name}",
                posting.market,
                status=posting.status,
            )
        return Response(OwnPostingSerializer(_own_posting(request, pk)).data)


@extend_schema(tags=["applicants"], request=ReasonSerializer, responses=OwnPostingSerializer)
class OwnPostingWithdraw(_OwnPostingAction):
    action_name = "withdrawn"

    def run(self, applicant: Applicant, posting: Posting, values: dict[str, Any]) -> Posting:
        return online.online_posting_withdraw(
            applicant=applicant, posting=posting, reason=values["reason"]
        )


@extend_schema(tags=["applicants"], request=None, responses=OwnPostingSerializer)
class OwnPostingFill(_OwnPostingAction):
    serializer_class = EmptySerializer
    action_name = "filled"

    def run(self, applicant: Applicant, posting: Posting, values: dict[str, Any]) -> Posting:
        return online.online_posting_fill(applicant=applicant, posting=posting)


@extend_schema(tags=["applicants"], request=EndDateSerializer, responses=OwnPostingSerializer)
class OwnPostingExtend(_OwnPostingAction):
    serializer_class = EndDateSerializer
    action_name = "extended"

    def run(self, applicant: Applicant, posting: Posting, values: dict[str, Any]) -> Posting:
        return online.online_posting_extend(
            applicant=applicant, posting=posting, end_date=values["end_date"]
        )


@extend_schema(
    tags=["applicants"], request=PostingCorrectionSerializer, responses=OwnPostingSerializer
)
class OwnPostingResubmit(_OwnPostingAction):
    """The corrections of a posting returned with a single notice (only what changes),
    screened again; its review case goes back in progress."""

    serializer_class = PostingCorrectionSerializer
    action_name = "resubmitted"

    def run(self, applicant: Applicant, posting: Posting, values: dict[str, Any]) -> Posting:
        data = {name: values[name] for name in POSTING_WRITABLE if name in values}
        return online.online_posting_resubmit(applicant=applicant, posting=posting, data=data)


def _own_case(request: Request, pk: int) -> Case:
    return get_object_or_404(selectors.case_list_of_applicant(applicant=_applicant(request)), pk=pk)


@extend_schema(tags=["applicants"], request=ReasonSerializer, responses=OwnCaseSerializer)
class OwnCaseWithdraw(generics.GenericAPIView[Case]):
    """Withdraw one of the applicant's open cases (a posting's review case withdraws the
    posting with it), as on the online page."""

    permission_classes = [SignedInApplicant]
    serializer_class = ReasonSerializer

    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        case = _own_case(request, pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            case = online.online_case_withdraw(
                applicant=_applicant(request),
                case=case,
                reason=serializer.validated_data["reason"],
            )
            _applicant_recorded(request, case, "api.case_withdrawn", case.market, state=case.state)
        return Response(OwnCaseSerializer(_own_case(request, pk)).data)


@extend_schema(tags=["applicants"], request=HandInSerializer, responses=OwnCaseSerializer)
class OwnCaseMaterials(generics.GenericAPIView[Case]):
    """Hand in missing items of the case's single notice (``multipart/form-data``: ``item``
    and ``file`` repeated, paired in order; files as large as at the counter: 10 MiB each,
    11 MiB a request): each file checked and kept with the case, the items received as at
    the counter; once none is outstanding, the case goes back in progress."""

    permission_classes = [SignedInApplicant]
    serializer_class = HandInSerializer
    parser_classes = [StrictMultiPartParser]

    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        case = _own_case(request, pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        uploads = dict(zip(values["item"], values["file"], strict=True))
        with transaction.atomic():
            case = online.online_materials_hand_in(
                applicant=_applicant(request), case=case, uploads=uploads
            )
            _applicant_recorded(
                request,
                case,
                "api.materials_handed_in",
                case.market,
                items=sorted(uploads),
                state=case.state,
            )
        return Response(OwnCaseSerializer(_own_case(request, pk)).data)


@extend_schema(tags=["applicants"])
class OwnReferralList(generics.ListCreateAPIView[Referral]):
    """A job seeker's applications and referrals with their outcomes; ``POST`` applies for
    a published posting (``online_apply``, as the online page's button: a referral the
    posting's market passes on)."""

    permission_classes = [SignedInApplicant]
    serializer_class = OwnReferralSerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Referral.objects.none()
        return selectors.referral_list_of_seeker(applicant=_applicant(self.request))

    @extend_schema(request=ApplySerializer, responses={201: OwnReferralSerializer})
    @idempotent
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = ApplySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        with transaction.atomic():
            referral = online.online_apply(
                applicant=_applicant(request), posting_id=given.validated_data["posting"]
            )
            _applicant_recorded(
                request, referral, "api.applied", referral.market, posting=referral.posting_id
            )
        own = get_object_or_404(self.get_queryset(), pk=referral.pk)
        return Response(OwnReferralSerializer(own).data, status=201)


@extend_schema(tags=["applicants"], responses=MatchSerializer(many=True))
class OwnMatchList(generics.GenericAPIView[Any]):
    """The published postings that best fit the seeker's profile (at most 20, best first),
    each with its score and the reasons, as the online page shows them. Not a job seeker:
    404."""

    permission_classes = [SignedInApplicant]
    serializer_class = MatchSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    def get(self, request: Request) -> Response:
        matches = online_selectors.matches_for_applicant(applicant=_applicant(request))
        return Response(MatchSerializer(matches, many=True).data)
