"""What the API answers, field by field. Public answers carry no contact detail and no
personal datum: a person who hires is not named, an organisation is (as on the kiosk), and the
employer's free text is shown with phone numbers hidden."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Applicant
from markets.models import Market
from noticeboard.selectors import BoardLimit, BoardService
from workflows.postings.models import Posting
from workflows.postings.public_text import phone_numbers_hidden


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
    opens_at = serializers.TimeField()
    lunch_starts_at = serializers.TimeField(allow_null=True)
    lunch_ends_at = serializers.TimeField(allow_null=True)
    closes_at = serializers.TimeField()


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
