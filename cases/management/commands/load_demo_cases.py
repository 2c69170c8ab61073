"""Demo cases for the embedded default, opened through the real services (so they carry
history and audit events). Idempotent: a market that has cases already gets none."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from cases import services
from cases.identity import resident_id_check_character
from cases.models import Case, ChecklistItem
from markets.models import Market

# (officer, market, applicant name, first 17 digits of the ID number, mobile, subject)
DEMO_CASES = [
    (
        "officer",
        "南宁市零工市场",
        "韦小宝",
        "45010219900307123",
        "13800138000",
        "灵活就业人员社会保险补贴政策咨询",
    ),
    (
        "officer",
        "南宁市零工市场",
        "黄秀英",
        "45010319851212002",
        "13907712345",
        "就业困难人员认定条件咨询",
    ),
    (
        "officer",
        "南宁市零工市场",
        "蒙建国",
        "45010219700101003",
        "",
        "新就业形态职业伤害保障政策咨询",
    ),
    (
        "officer2",
        "柳州市零工市场",
        "覃丽华",
        "45020219920815004",
        "13677721234",
        "创业担保贷款申请条件咨询",
    ),
]


class Command(BaseCommand):
    help = "Open a few demo cases through the services (embedded default only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LGSC_ALLOW_DEMO_DATA:
            raise CommandError("Demo data is disabled in these settings (LGSC_ALLOW_DEMO_DATA).")
        opened = 0
        for index, (username, market_name, name, first_17, mobile, subject) in enumerate(
            DEMO_CASES
        ):
            market = Market.objects.get(name=market_name)
            if Case.objects.filter(market=market, subject=subject).exists():
                continue
            officer = User.objects.get(username=username)
            with transaction.atomic():
                applicant = services.applicant_person_register(
                    actor=officer,
                    name=name,
                    id_number=first_17 + resident_id_check_character(first_17),
                    mobile=mobile,
                )
                case = services.case_open(
                    actor=officer,
                    market=market,
                    kind="policy_consultation",
                    channel="counter",
                    applicant=applicant,
                    subject=subject,
                )
                if index == 1:  # one waits for materials, to show the single notice
                    items = list(ChecklistItem.objects.filter(kind=case.kind)[:2])
                    services.case_request_materials(actor=officer, case=case, items=items)
            opened += 1
        self.stdout.write(self.style.SUCCESS(f"Demo cases: {opened} opened."))
