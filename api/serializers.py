"""What the API answers, field by field. Public answers carry no contact detail and no
personal datum: a person who hires is not named, an organisation is (as on the kiosk), and the
employer's free text is shown with phone numbers hidden."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from cases.identity import id_numbers_mask, name_mask
from cases.models import Applicant
from markets.models import Market
from noticeboard.selectors import BoardLimit, BoardService
from provincial.services import outbound_wire
from workflows.postings.models import Posting
from workflows.postings.public_text import phone_numbers_hidden
from workflows.postings.validation import PostingInput
from workflows.seekers.models import HouseholdType, SeekerProfile


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "09:00"})
class LocalTimeField(serializers.TimeField):
    """A time of day in the market's zone, ``HH:MM`` (no offset: opening hours and shifts are
    local)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class CodeNameSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class MarketRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PublicTextField(serializers.CharField):
    """Employer free text with anything that looks like a phone number hidden."""

    def to_representation(self, value: Any) -> str:
        return phone_numbers_hidden(str(value or ""))


class PostingPublicSerializer(serializers.ModelSerializer[Posting]):
    occupation = CodeNameSerializer()
    county = CodeNameSerializer()
    market = MarketRefSerializer()
    employer_name = serializers.SerializerMethodField(
        help_text=_("An organisation's name; empty for a person who hires.")
    )
    skill_requirements = PublicTextField()
    working_days = PublicTextField()
    description = PublicTextField()
    hours_per_day = serializers.DecimalField(max_digits=5, decimal_places=2)
    start_time = LocalTimeField()
    end_time = LocalTimeField()

    class Meta:
        model = Posting
        fields = [
            "id",
            "occupation",
            "county",
            "address",
            "market",
            "employer_name",
            "skill_requirements",
            "start_date",
            "end_date",
            "working_days",
            "days_per_week",
            "start_time",
            "end_time",
            "break_minutes",
            "hours_per_day",
            "pay_min",
            "pay_max",
            "pay_method",
            "piece_daily_output",
            "settlement",
            "headcount",
            "employment_form",
            "is_public_welfare",
            "eligibility",
            "description",
            "published_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_employer_name(self, posting: Posting) -> str:
        if posting.employer.kind == Applicant.Kind.ORGANISATION:
            return posting.employer.name
        return ""


class OpeningHoursSerializer(serializers.Serializer[Any]):
    opens_at = LocalTimeField()
    lunch_starts_at = LocalTimeField(allow_null=True)
    lunch_ends_at = LocalTimeField(allow_null=True)
    closes_at = LocalTimeField()


class MarketSerializer(serializers.ModelSerializer[Market]):
    region = CodeNameSerializer()
    opening_hours = serializers.SerializerMethodField()

    class Meta:
        model = Market
        fields = ["id", "name", "region", "address", "service_phone", "opening_hours"]
        read_only_fields = fields

    @extend_schema_field(OpeningHoursSerializer)
    def get_opening_hours(self, market: Market) -> dict[str, Any]:
        return OpeningHoursSerializer(market).data


class LimitSerializer(serializers.Serializer[Any]):
    amount = serializers.IntegerField()
    unit = serializers.CharField()


class ChannelLimitSerializer(LimitSerializer):
    channel = serializers.CharField()


class TimeLimitSerializer(serializers.Serializer[Any]):
    """A published time limit: for every channel (``all_channels``), and the channels whose
    limit differs."""

    all_channels = LimitSerializer(allow_null=True)
    by_channel = ChannelLimitSerializer(many=True)


class MaterialSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    reason = serializers.CharField()
    format = serializers.CharField()
    copies = serializers.IntegerField()
    issuing_body = serializers.CharField()


class ServiceSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    label = serializers.CharField()
    acceptance = TimeLimitSerializer(allow_null=True)
    completion = TimeLimitSerializer(allow_null=True)
    materials = MaterialSerializer(many=True)


def _limit(limit: BoardLimit | None) -> dict[str, Any] | None:
    if limit is None:
        return None
    return {
        "all_channels": (
            {"amount": limit.policy.amount, "unit": limit.policy.unit} if limit.policy else None
        ),
        "by_channel": [
            {"channel": policy.channel, "amount": policy.amount, "unit": policy.unit}
            for _label, policy in limit.by_channel
        ],
    }


def service_data(service: BoardService) -> dict[str, Any]:
    return {
        "kind": service.kind,
        "label": str(service.label),
        "acceptance": _limit(service.acceptance),
        "completion": _limit(service.completion),
        "materials": [
            {
                "name": item.name,
                "reason": item.reason,
                "format": item.format,
                "copies": item.copies,
                "issuing_body": item.issuing_body,
            }
            for item in service.materials
        ],
    }


class MarketDetailSerializer(MarketSerializer):
    services = ServiceSerializer(many=True, read_only=True)

    class Meta(MarketSerializer.Meta):
        fields = [*MarketSerializer.Meta.fields, "services"]
        read_only_fields = fields


# --- Other systems ------------------------------------------------------------------------------


class PostingClientSerializer(PostingPublicSerializer):
    """A posting as a system with ``postings:read`` reads it: the public fields, its status,
    its review case, and the contact person with the phone masked (as on the staff pages)."""

    status = serializers.CharField()
    case_reference = serializers.SerializerMethodField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField(source="contact_phone_masked")

    class Meta(PostingPublicSerializer.Meta):
        fields = [
            *PostingPublicSerializer.Meta.fields,
            "status",
            "case_reference",
            "contact_name",
            "contact_phone",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_case_reference(self, posting: Posting) -> str:
        return posting.case.reference if posting.case_id and posting.case else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_employer_name(self, posting: Posting) -> str:
        if posting.employer.kind == Applicant.Kind.ORGANISATION:
            return posting.employer.name
        return name_mask(posting.employer.name)


class EmployerWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True)


# The details a caller may give; anything else in a body (state, market of the record, owner,
# screening exceptions, ids) is ignored.
POSTING_WRITABLE = tuple(
    name
    for name in PostingInput.MODEL_FIELDS
    if name not in ("pay_daily", "screening_justification")  # derived; a team lead's
)


class PostingDetailsSerializer(serializers.Serializer[Any]):
    """A posting's details as the counter form takes them (codes for the occupation and the
    county); checked and screened by the postings' own rules (``posting_validate``)."""

    contact_name = serializers.CharField(max_length=50)
    contact_phone = serializers.CharField(max_length=30)
    occupation = serializers.CharField(max_length=20, help_text=_("occupation code (4-03-02-05)"))
    skill_requirements = serializers.CharField(max_length=2000)
    county = serializers.CharField(max_length=6, help_text=_("county division code"))
    address = serializers.CharField(max_length=200)
    latitude = serializers.CharField(max_length=20, required=False, allow_blank=True)
    longitude = serializers.CharField(max_length=20, required=False, allow_blank=True)
    start_date = serializers.CharField(max_length=10)
    end_date = serializers.CharField(max_length=10)
    working_days = serializers.CharField(max_length=100)
    days_per_week = serializers.CharField(max_length=2)
    start_time = serializers.CharField(max_length=8)
    end_time = serializers.CharField(max_length=8)
    break_minutes = serializers.CharField(max_length=4, required=False, default="0")
    pay_min = serializers.CharField(max_length=12)
    pay_max = serializers.CharField(max_length=12)
    pay_method = serializers.CharField(max_length=10)
    piece_daily_output = serializers.CharField(
        max_length=6,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("for a piece rate: the pieces a day (the daily wage of the statistics)"),
    )
    settlement = serializers.CharField(max_length=16)
    headcount = serializers.CharField(max_length=6)
    employment_form = serializers.CharField(max_length=12)
    is_public_welfare = serializers.BooleanField(required=False, default=False)
    eligibility = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list, max_length=20
    )
    description = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    industry = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("industry division code of GB/T 4754-2017 (62); empty: unknown"),
    )


class PostingCreateSerializer(PostingDetailsSerializer):
    market = serializers.IntegerField(help_text=_("one of the client's markets"))
    employer = EmployerWriteSerializer()


class PostingCorrectionSerializer(PostingDetailsSerializer):
    """The corrected details of a posting returned for correction: only what changes (every
    field optional, none defaulted); the rest is kept, and the whole is screened again."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = empty


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)


class EndDateSerializer(serializers.Serializer[Any]):
    end_date = serializers.DateField()


class CaseClientSerializer(serializers.Serializer[Any]):
    """A case as a system with ``cases:read`` reads it: no ID number, the applicant's name
    and mobile masked, free text with ID numbers masked."""

    reference = serializers.CharField()
    kind = serializers.CharField()
    state = serializers.CharField()
    channel = serializers.CharField()
    market = serializers.IntegerField(source="market_id")
    subject = serializers.SerializerMethodField()
    applicant_name = serializers.SerializerMethodField()
    applicant_mobile = serializers.SerializerMethodField()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_subject(self, case: Any) -> str:
        return id_numbers_mask(case.subject)

    @extend_schema_field(OpenApiTypes.STR)
    def get_applicant_name(self, case: Any) -> str:
        if case.applicant.kind == Applicant.Kind.ORGANISATION:
            return str(case.applicant.name)
        return name_mask(case.applicant.name)

    @extend_schema_field(OpenApiTypes.STR)
    def get_applicant_mobile(self, case: Any) -> str:
        return str(case.applicant.mobile_masked)


# --- An applicant's own records -------------------------------------------------------------------


class NoticeItemSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    reason = serializers.CharField()
    format = serializers.CharField()
    copies = serializers.IntegerField()
    received = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_received(self, item: Any) -> bool:
        return item.received_at is not None


class SingleNoticeSerializer(serializers.Serializer[Any]):
    issued_at = serializers.DateTimeField()
    time_limit_days = serializers.IntegerField()
    where_to_submit = serializers.CharField()
    items = NoticeItemSerializer(many=True)


class OwnCaseSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.CharField()
    state = serializers.CharField()
    channel = serializers.CharField()
    market = MarketRefSerializer()
    subject = serializers.CharField()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    notices = SingleNoticeSerializer(many=True)


class OwnPostingSerializer(PostingClientSerializer):
    """A posting as its own employer reads it (the contact phone masked, as on the pages)."""

    @extend_schema_field(OpenApiTypes.STR)
    def get_employer_name(self, posting: Posting) -> str:
        return posting.employer.name


class OwnPostingCreateSerializer(PostingDetailsSerializer):
    """A posting an employer submits: its details; the employer is the signed-in applicant."""

    market = serializers.IntegerField(help_text=_("an active market (GET /api/v1/markets/)"))


class SeekerProfileSerializer(serializers.Serializer[Any]):
    """A job seeker's profile, the part they keep current themselves (the online profile
    page's fields)."""

    household_type = serializers.ChoiceField(choices=HouseholdType.choices)
    home_county = serializers.CharField(
        max_length=6, help_text=_("county division code"), allow_null=True
    )
    wanted_occupations = serializers.ListField(
        child=serializers.CharField(max_length=20), max_length=20
    )
    wanted_areas = serializers.ListField(child=serializers.CharField(max_length=6), max_length=50)
    available_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7), max_length=7
    )
    available_from = LocalTimeField(allow_null=True)
    available_until = LocalTimeField(allow_null=True)
    min_daily_pay = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, allow_null=True
    )
    skills = serializers.CharField(max_length=2000, allow_blank=True)
    platform_consent = serializers.BooleanField()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["home_county"] = instance.home_county.code if instance.home_county else None
        return dict(data)


class SeekerProfileChangeSerializer(SeekerProfileSerializer):
    """``PATCH /me/``: the profile fields to change (any of them); a field left out is kept.
    Anything else (name, ID number, mobile, state, ids) is not the applicant's to set online
    and is ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class MeSerializer(serializers.Serializer[Any]):
    """The signed-in applicant: ID number and mobile masked, as on the pages; a job seeker's
    profile (null for an employer)."""

    kind = serializers.CharField()
    name = serializers.CharField()
    id_number = serializers.CharField(source="id_number_masked")
    mobile = serializers.CharField(source="mobile_masked")
    profile = serializers.SerializerMethodField()

    @extend_schema_field(SeekerProfileSerializer(allow_null=True))
    def get_profile(self, applicant: Applicant) -> dict[str, Any] | None:
        seeker: SeekerProfile | None = self.context.get("seeker")
        return dict(SeekerProfileSerializer(seeker).data) if seeker is not None else None


class HandInSerializer(serializers.Serializer[Any]):
    """Missing items of the single notice handed in (multipart): ``item`` the notice item's
    id and ``file`` its file, repeated, paired in order."""

    item = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=settings.DATA_UPLOAD_MAX_NUMBER_FILES,
    )
    file = serializers.ListField(
        child=serializers.FileField(), max_length=settings.DATA_UPLOAD_MAX_NUMBER_FILES
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if len(attrs["item"]) != len(attrs["file"]):
            raise serializers.ValidationError(_("Give one file for each item, in the same order."))
        return attrs


class ApplySerializer(serializers.Serializer[Any]):
    posting = serializers.IntegerField(
        min_value=1, help_text=_("a published posting (GET /api/v1/postings/)")
    )


class ReasonItemSerializer(serializers.Serializer[Any]):
    """One criterion's contribution to a match's score, in words (匹配理由)."""

    criterion = serializers.CharField()
    weight = serializers.IntegerField()
    points = serializers.FloatField()
    text = serializers.CharField()


class PostingRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    occupation = CodeNameSerializer()
    county = CodeNameSerializer()
    market = MarketRefSerializer()
    status = serializers.CharField()


class OwnReferralSerializer(serializers.Serializer[Any]):
    """A seeker's application or referral (推荐岗位) and its outcome (推荐结果)."""

    id = serializers.IntegerField()
    posting = PostingRefSerializer()
    score = serializers.IntegerField()
    reasons = ReasonItemSerializer(many=True)
    outcome = serializers.CharField()
    outcome_label = serializers.CharField(source="get_outcome_display")
    recommended_at = serializers.DateTimeField()
    outcome_at = serializers.DateTimeField(allow_null=True)


class MatchSerializer(serializers.Serializer[Any]):
    """A published posting that fits the seeker's profile, with the score and the reasons."""

    score = serializers.IntegerField()
    reasons = ReasonItemSerializer(many=True)
    posting = PostingPublicSerializer()


class ClientReferralSerializer(serializers.Serializer[Any]):
    """A referral as a system with ``cases:read`` reads it: the seeker's name masked, no ID
    number, no mobile."""

    id = serializers.IntegerField()
    market = serializers.IntegerField(source="market_id")
    posting = PostingRefSerializer()
    seeker_name = serializers.SerializerMethodField()
    score = serializers.IntegerField()
    outcome = serializers.CharField()
    recommended_at = serializers.DateTimeField()
    outcome_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_seeker_name(self, referral: Any) -> str:
        return name_mask(referral.seeker.applicant.name)


class FeedMessageSerializer(serializers.Serializer[Any]):
    """One outbound change, exactly as the push to the provincial platform carries it
    (docs/provincial-sync.md)."""

    idempotency_key = serializers.CharField()
    record_type = serializers.CharField()
    record_id = serializers.IntegerField()
    sequence = serializers.IntegerField()
    change = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    payload = serializers.DictField()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return outbound_wire(instance)
