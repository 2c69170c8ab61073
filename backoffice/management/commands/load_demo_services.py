"""Demo postings, job seekers, training programmes and policy articles for the embedded
default, so the kiosk, the big screen, matching, training and the notice board do not start
empty. Everything goes through the real services: postings are screened, reviewed and
published (instant quick hiring), seekers registered with a case each, programmes and policies
kept by the team lead; so everything carries its history and audit events.

Idempotent: a posting is made again only when no live one (in review or published, not yet
ended) has the same employer and occupation in that market, so that the demo stays filled when
the earlier ones have expired; a seeker, provider, programme or policy that exists is left as
it is. Refused under production settings, as all demo data is. Run it after ``load_demo``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from accounts.models import User
from cases.identity import resident_id_check_character
from cases.models import Applicant
from cases.services import applicant_organisation_register
from markets.models import Market
from noticeboard.models import PolicyArticle
from noticeboard.services import policy_article_create
from workflows.postings.models import Occupation, Posting, Status
from workflows.postings.services import posting_intake_and_publish
from workflows.seekers.selectors import seeker_get_by_id_number
from workflows.seekers.services import seeker_register
from workflows.training.models import Programme, Provider
from workflows.training.services import programme_save, provider_save

NANNING = "南宁市零工市场"
LIUZHOU = "柳州市零工市场"
DEMO_NOTE = "（演示数据）"


def credit_code(first_17: str) -> str:
    """A unified social credit code with its check character (GB 32100)."""
    return first_17 + uscc.calc_check_digit(first_17)


def id_number(first_17: str) -> str:
    return first_17 + resident_id_check_character(first_17)


# Employers: name, first 17 characters of the credit code, mobile.
EMPLOYERS = {
    "yongjiang": ("南宁市邕江餐饮有限公司", "91450100MA5K3D8Q0", "13907710001"),
    "bagui": ("广西八桂速递服务有限公司", "91450100MA5K7P2L1", "13907710002"),
    "lvcheng": ("南宁绿城物业服务有限公司", "91450100MA5KA61R2", "13907710003"),
    "huizhan": ("南宁国际会展服务有限公司", "91450100MA5KB08T3", "13907710004"),
    "wuming": ("南宁市武鸣区沃柑种植专业合作社", "93450122MA5KC17W4", "13907710005"),
    "longcheng": ("柳州市龙城建筑劳务有限公司", "91450200MA5KD29X5", "13977220006"),
    "liunan": ("柳州市柳南保安服务有限公司", "91450200MA5KE33Y6", "13977220007"),
}

# (market, officer, employer, posting fields); dates are relative to the day it runs.
POSTINGS: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        NANNING,
        "officer",
        "yongjiang",
        {
            "occupation": "4-03-02-05",
            "county": "450103",
            "address": "南宁市青秀区民族大道 100 号",
            "skill_requirements": "有餐厅服务经验者优先，普通话流利",
            "working_days": "周一至周五",
            "days_per_week": "5",
            "start_time": "10:00",
            "end_time": "19:00",
            "break_minutes": "60",
            "pay_min": "180",
            "pay_max": "220",
            "pay_method": "daily",
            "settlement": "daily",
            "headcount": "5",
            "employment_form": "temporary",
            "description": "午市、晚市餐厅服务，提供工作餐，男女不限。",
        },
    ),
    (
        NANNING,
        "officer",
        "bagui",
        {
            "occupation": "4-02-05-01",
            "county": "450107",
            "address": "南宁市西乡塘区安吉大道 18 号物流园",
            "skill_requirements": "能搬运 20 公斤以内的包裹",
            "working_days": "周一至周六",
            "days_per_week": "6",
            "start_time": "06:00",
            "end_time": "14:00",
            "break_minutes": "30",
            "pay_min": "160",
            "pay_max": "200",
            "pay_method": "daily",
            "settlement": "daily",
            "headcount": "10",
            "employment_form": "temporary",
            "description": "快递分拣中心装卸、分拣，计件另有奖励，日结。",
        },
    ),
    (
        NANNING,
        "officer",
        "lvcheng",
        {
            "occupation": "4-09-08-01",
            "county": "450102",
            "address": "南宁市兴宁区朝阳路 56 号",
            "skill_requirements": "认真细致，能按保洁规范作业",
            "working_days": "周一至周日轮休",
            "days_per_week": "5",
            "start_time": "07:30",
            "end_time": "11:30",
            "break_minutes": "0",
            "pay_min": "24",
            "pay_max": "26",
            "pay_method": "hourly",
            "settlement": "weekly",
            "headcount": "4",
            "employment_form": "part_time",
            "description": "写字楼公共区域保洁，每天 4 小时，非全日制。",
        },
    ),
    (
        NANNING,
        "officer",
        "huizhan",
        {
            "occupation": "4-07-08-02",
            "county": "450103",
            "address": "南宁市青秀区民族大道 11 号国际会展中心",
            "skill_requirements": "普通话标准，能站立引导观众",
            "working_days": "展会期间周六、周日",
            "days_per_week": "2",
            "start_time": "08:30",
            "end_time": "17:30",
            "break_minutes": "60",
            "pay_min": "200",
            "pay_max": "200",
            "pay_method": "daily",
            "settlement": "daily",
            "headcount": "20",
            "employment_form": "temporary",
            "description": "展会引导、签到和咨询服务，提供午餐和工作服。",
        },
    ),
    (
        NANNING,
        "officer",
        "wuming",
        {
            "occupation": "5-01-02-01",
            "county": "450110",
            "address": "南宁市武鸣区双桥镇沃柑基地",
            "skill_requirements": "有果园修剪、采摘经验者优先",
            "working_days": "周一至周六",
            "days_per_week": "6",
            "start_time": "07:00",
            "end_time": "16:00",
            "break_minutes": "90",
            "pay_min": "160",
            "pay_max": "190",
            "pay_method": "daily",
            "settlement": "daily",
            "headcount": "30",
            "employment_form": "seasonal",
            "description": "沃柑采摘和分拣，采摘季用工，提供往返班车。",
        },
    ),
    (
        LIUZHOU,
        "officer2",
        "longcheng",
        {
            "occupation": "6-29-01-01",
            "county": "450202",
            "address": "柳州市城中区潭中东路 9 号工地",
            "skill_requirements": "有砌筑施工经验，持证者优先",
            "working_days": "周一至周六",
            "days_per_week": "6",
            "start_time": "07:30",
            "end_time": "17:30",
            "break_minutes": "120",
            "pay_min": "260",
            "pay_max": "320",
            "pay_method": "daily",
            "settlement": "weekly",
            "headcount": "8",
            "employment_form": "temporary",
            "description": "住宅项目砌筑作业，工地提供安全帽等劳动防护用品，按周结算。",
        },
    ),
    (
        LIUZHOU,
        "officer2",
        "liunan",
        {
            "occupation": "4-07-05-01",
            "county": "450204",
            "address": "柳州市柳南区航生路 2 号",
            "skill_requirements": "责任心强，能上夜班",
            "working_days": "周一至周日轮班",
            "days_per_week": "5",
            "start_time": "20:00",
            "end_time": "23:59",
            "break_minutes": "0",
            "pay_min": "26",
            "pay_max": "28",
            "pay_method": "hourly",
            "settlement": "within_15_days",
            "headcount": "3",
            "employment_form": "part_time",
            "description": "商场夜间巡逻值守，非全日制，半月结算。",
        },
    ),
]

# (market, officer, name, first 17 digits of the ID number, mobile, profile)
SEEKERS: list[tuple[str, str, str, str, str, dict[str, Any]]] = [
    (
        NANNING,
        "officer",
        "覃春燕",
        "45012219880416022",  # 武鸣县 (now 武鸣区) issued the number
        "13607710011",
        {
            "household_type": "rural",
            "home_county": "450110",
            "wanted_occupations": ["4-03-02-05", "4-09-08-01"],
            "wanted_areas": ["450100"],
            "available_days": [1, 2, 3, 4, 5],
            "available_from": "09:00",
            "available_until": "20:00",
            "min_daily_pay": "160",
            "skills": "做过餐厅服务员两年，会简单收银",
            "training_wish": "想学中式面点",
            "training_occupations": ["4-03-02-02"],
        },
    ),
    (
        NANNING,
        "officer",
        "黄志强",
        "45010719950302041",
        "13607710012",
        {
            "household_type": "urban",
            "home_county": "450107",
            "wanted_occupations": ["4-02-05-01", "4-02-07-08"],
            "wanted_areas": ["450100"],
            "available_days": [1, 2, 3, 4, 5, 6],
            "available_from": "06:00",
            "available_until": "18:00",
            "min_daily_pay": "150",
            "skills": "有电动车，熟悉南宁城区道路",
        },
    ),
    (
        NANNING,
        "officer",
        "蒙秀兰",
        "45010219740918062",
        "13607710013",
        {
            "household_type": "urban",
            "home_county": "450102",
            "wanted_occupations": ["4-09-08-01", "4-10-01-06"],
            "wanted_areas": ["450102", "450103"],
            "available_days": [1, 2, 3, 4, 5, 6, 7],
            "available_from": "07:00",
            "available_until": "12:00",
            "min_daily_pay": "80",
            "skills": "做过写字楼保洁和家政",
            "training_wish": "想考养老护理员证",
            "training_occupations": ["4-10-01-05"],
        },
    ),
    (
        LIUZHOU,
        "officer2",
        "罗大军",
        "45022119810705033",
        "13677220014",
        {
            "household_type": "rural",
            "home_county": "450206",  # 柳江区 (柳江县 450221 until 2016)
            "wanted_occupations": ["6-29-01-01", "6-29-01-06"],
            "wanted_areas": ["450200"],
            "available_days": [1, 2, 3, 4, 5, 6],
            "available_from": "07:00",
            "available_until": "18:00",
            "min_daily_pay": "240",
            "skills": "砌筑、木工十年经验",
        },
    ),
]

PROVIDER = {
    "name": "南宁市邕城职业技能培训学校",
    "credit_code": credit_code("52450100MA5KF47Y7"),
    "address": "南宁市青秀区长湖路 21 号",
    "phone": "0771-5889900",
}

# (title, occupation, schedule kind, schedule, capacity, cost, subsidy, starts in, lasts days)
PROGRAMMES = [
    (
        "中式面点师晚间班",
        "4-03-02-02",
        "evenings",
        "周一至周五 19:00–21:30",
        30,
        "1800",
        "1500",
        14,
        45,
    ),
    (
        "养老护理员周末班",
        "4-10-01-05",
        "weekends",
        "每周六、周日 09:00–16:00",
        40,
        "2200",
        "1800",
        21,
        60,
    ),
    (
        "网约配送员安全与服务短期模块",
        "4-02-07-10",
        "short_modules",
        "3 个半天模块，可自选",
        50,
        "300",
        "300",
        7,
        10,
    ),
]

# (title, issuing body, body paragraphs)
POLICIES = [
    (
        "灵活就业人员社会保险补贴申领指南",
        "南宁市人力资源和社会保障局",
        [
            "符合条件的就业困难人员灵活就业后缴纳社会保险费的，可按规定申请社会保险补贴。",
            "申请材料：身份证、灵活就业情况说明、社会保险缴费凭证。可到零工市场综合服务窗口咨询和办理。",
        ],
    ),
    (
        "创业担保贷款政策问答",
        "南宁市人力资源和社会保障局",
        [
            "重点就业群体创业的，可按规定申请创业担保贷款并享受贴息。",
            "贷款额度、期限和申请条件以经办银行和担保机构审核为准，零工市场创业服务室可提供预审咨询。",
        ],
    ),
    (
        "新就业形态就业人员职业伤害保障须知",
        "南宁市人力资源和社会保障局",
        [
            "在平台企业从事出行、外卖、即时配送等工作的新就业形态就业人员，按规定纳入职业伤害保障。",
            "发生职业伤害后应及时报告平台企业并保存相关证据，零工市场窗口可提供办理指引。",
        ],
    ),
]


class Command(BaseCommand):
    help = (
        "Add demo postings, job seekers, training programmes and policy articles through the "
        "services (embedded default only; run after load_demo)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LGSC_ALLOW_DEMO_DATA:
            raise CommandError("Demo data is disabled in these settings (LGSC_ALLOW_DEMO_DATA).")
        today = timezone.localdate()
        counts = {
            "postings": self._postings(today),
            "seekers": self._seekers(),
            "programmes": self._programmes(today),
            "policies": self._policies(today),
        }
        made = ", ".join(f"{count} {what}" for what, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo services: {made} added."))

    def _postings(self, today: date) -> int:
        made = 0
        for market_name, username, employer_key, fields in POSTINGS:
            market = Market.objects.get(name=market_name)
            officer = User.objects.get(username=username)
            name, code_17, mobile = EMPLOYERS[employer_key]
            code = credit_code(code_17)
            live = Posting.objects.filter(
                market=market,
                employer__credit_code=code,
                occupation__code=fields["occupation"],
                status__in=(Status.IN_REVIEW, Status.PUBLISHED),
                end_date__gte=today,
            )
            if live.exists():
                continue
            data = {
                **fields,
                "contact_name": "人事专员",
                "contact_phone": mobile,
                "start_date": (today + timedelta(days=1)).isoformat(),
                "end_date": (today + timedelta(days=60)).isoformat(),
            }
            with transaction.atomic():
                employer = Applicant.objects.filter(credit_code=code).first()
                if employer is None:
                    employer = applicant_organisation_register(
                        actor=officer, name=name, credit_code=code, mobile=mobile
                    )
                posting_intake_and_publish(
                    actor=officer, market=market, employer=employer, data=data
                )
            made += 1
        return made

    def _seekers(self) -> int:
        made = 0
        for market_name, username, name, first_17, mobile, profile in SEEKERS:
            number = id_number(first_17)
            if seeker_get_by_id_number(id_number=number) is not None:
                continue
            seeker_register(
                actor=User.objects.get(username=username),
                market=Market.objects.get(name=market_name),
                channel="counter",
                name=name,
                id_number=number,
                mobile=mobile,
                profile=profile,
            )
            made += 1
        return made

    def _programmes(self, today: date) -> int:
        market = Market.objects.get(name=NANNING)
        lead = User.objects.get(username="teamlead")
        made = 0
        with transaction.atomic():
            provider = Provider.objects.filter(credit_code=PROVIDER["credit_code"]).first()
            if provider is None:
                provider = provider_save(actor=lead, market=market, data=PROVIDER)
            for (
                title,
                occupation,
                kind,
                schedule,
                capacity,
                cost,
                subsidy,
                start,
                days,
            ) in PROGRAMMES:
                if Programme.objects.filter(market=market, title=title).exists():
                    continue
                programme_save(
                    actor=lead,
                    market=market,
                    data={
                        "provider": provider,
                        "occupation": Occupation.objects.get(code=occupation),
                        "schedule_kind": kind,
                        "title": title,
                        "schedule_text": schedule,
                        "place": PROVIDER["address"],
                        "cost": Decimal(cost),
                        "subsidy": Decimal(subsidy),
                        "capacity": capacity,
                        "starts_on": today + timedelta(days=start),
                        "ends_on": today + timedelta(days=start + days),
                        "is_published": True,
                    },
                )
                made += 1
        return made

    def _policies(self, today: date) -> int:
        market = Market.objects.get(name=NANNING)
        lead = User.objects.get(username="teamlead")
        made = 0
        for title, issuing_body, paragraphs in POLICIES:
            if PolicyArticle.objects.filter(market=market, title=title).exists():
                continue
            body = "".join(f"<p>{text}</p>" for text in paragraphs) + f"<p>{DEMO_NOTE}</p>"
            policy_article_create(
                actor=lead,
                market=market,
                title=title,
                body=body,
                issuing_body=issuing_body,
                published_on=today,
                region_wide=True,
            )
            made += 1
        return made
