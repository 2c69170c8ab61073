"""Job postings (招聘信息, standard art. 13–14, 20): the national occupation classification, the
minimum wage per area, and the posting itself, reviewed through a case of kind
``posting_review``.

The posting's state graph lives on :class:`Posting` (transitions named as verbs, thin bodies
that set fields); ``workflows/postings/services.py`` runs them: lock, check, transition, save,
audit, and drive the review case through the case engine.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from cases import permissions as can
from cases.crypto import EncryptedTextField
from cases.models import Applicant, Case, Industry
from markets.models import Market, Region

from .codes import LOCAL_OCCUPATION_CODE, OCCUPATION_CODE

# --- Occupations (职业分类大典) -------------------------------------------------------------


def occupation_ancestor_codes(code: str) -> list[str]:
    """``"4-03-02-01"`` -> ``["4-03-02", "4-03", "4"]``: nearest first."""
    parts = code.split("-")
    return ["-".join(parts[:n]) for n in range(len(parts) - 1, 0, -1)]


class Occupation(models.Model):
    """An occupation (职业) or a category of the national classification, 2022 edition
    (《中华人民共和国职业分类大典（2022年版）》): 大类 ``4``, 中类 ``4-03``, 小类 ``4-03-02``,
    细类 (the occupation itself, 工种) ``4-03-02-01``. The parent is the nearest category on
    record whose code is a prefix of this one.

    A market's own occupation (本市场工种, ``LOCAL``) is one the classification does not name
    the way the market's employers do; it sits under a 中类, belongs to one market, and has a
    code the system gives it (``4-03-L001``: the 中类, then ``L`` and a number), so the
    statistics count it with its 中类 by code prefix like any other."""

    class Level(models.IntegerChoices):
        MAJOR = 1, _("Major group")
        MIDDLE = 2, _("Middle group")
        MINOR = 3, _("Minor group")
        OCCUPATION = 4, _("Occupation (detailed level)")
        LOCAL = 5, _("Local occupation of a market (本市场工种)")

    code = models.CharField(_("code (职业编码)"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    aliases = models.CharField(
        _("other names (e.g. 搬运工)"),
        max_length=200,
        blank=True,
        help_text=_("Names used at the counter, separated by “、”."),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        editable=False,
    )
    is_active = models.BooleanField(_("in use"), default=True)
    market = models.ForeignKey(
        Market,
        verbose_name=_("market (local occupations only)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_occupations",
        help_text=_("Empty for the national classification."),
    )

    history = HistoricalRecords(verbose_name=_("historical occupation"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_occupation(self) -> bool:
        """An occupation a posting may name: a 细类, or a market's own occupation."""
        return self.level in (self.Level.OCCUPATION, self.Level.LOCAL)

    @property
    def middle_code(self) -> str:
        """The 中类 this falls under (``4-03``), "" for a 大类."""
        return "-".join(self.code.split("-")[:2]) if "-" in self.code else ""

    def clean(self) -> None:
        """Derive the level from the code and the parent from the categories on record."""
        if LOCAL_OCCUPATION_CODE.match(self.code or ""):
            self.level = self.Level.LOCAL
            self.parent = Occupation.objects.filter(code=self.middle_code).first()
            if self.parent is None:
                message = _("Create the middle group %(code)s first.")
                raise ValidationError({"code": message % {"code": self.middle_code}})
            if self.market_id is None:
                raise ValidationError({"market": _("A local occupation belongs to a market.")})
            return
        if OCCUPATION_CODE.match(self.code or "") is None:
            raise ValidationError(
                {
                    "code": _(
                        "An occupation code is a major group 1–8 followed by up to three "
                        "two-digit segments, such as 4-03-02-01."
                    )
                }
            )
        self.level = len(self.code.split("-"))
        ancestors = occupation_ancestor_codes(self.code)
        if not ancestors:
            self.parent = None
            return
        parent = Occupation.objects.filter(code__in=ancestors).order_by("-level").first()
        if parent is None:
            raise ValidationError(
                {"code": _("Create the major group %(code)s first.") % {"code": ancestors[-1]}}
            )
        self.parent = parent


# --- Minimum wage (最低工资标准) ---------------------------------------------------------------


class MinimumWage(models.Model):
    """A minimum-wage tier (最低工资标准) of an area from a date on. It applies to every county
    under the area (by division-code prefix); the most specific area wins, and among its tiers
    the latest one in force on the day asked about.

    The area is kept by its division code (``to_field="code"``, no database constraint), so the
    published tiers can be seeded by a migration before the region tree is loaded."""

    area = models.ForeignKey(
        Region,
        verbose_name=_("area"),
        to_field="code",
        db_column="area_code",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    tier = models.CharField(_("class (类别)"), max_length=20, blank=True)
    monthly = models.DecimalField(_("monthly minimum (元/月)"), max_digits=8, decimal_places=2)
    hourly = models.DecimalField(
        _("hourly minimum for part-time work (元/小时)"), max_digits=6, decimal_places=2
    )
    effective_from = models.DateField(_("in force from"))
    source = models.CharField(_("source (notice and number)"), max_length=200, blank=True)

    history = HistoricalRecords(verbose_name=_("historical minimum wage"))

    class Meta:
        ordering = ["area_id", "-effective_from"]
        verbose_name = _("minimum wage")
        verbose_name_plural = _("minimum wages")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "effective_from"],
                name="minimum_wage_one_per_area_and_date",
                violation_error_message=_("This area has a minimum wage from this date already."),
            ),
            models.CheckConstraint(
                condition=Q(monthly__gt=0) & Q(hourly__gt=0),
                name="minimum_wage_positive",
                violation_error_message=_("A minimum wage is more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.monthly}/{self.hourly} ({self.effective_from})"


# --- Postings ---------------------------------------------------------------------------------


class PayMethod(models.TextChoices):
    """计酬方式."""

    HOURLY = "hourly", _("Per hour")
    DAILY = "daily", _("Per day")
    WEEKLY = "weekly", _("Per week")
    MONTHLY = "monthly", _("Per month")
    PIECE = "piece", _("Per piece")
    JOB = "job", _("Per job")


class Settlement(models.TextChoices):
    """结算周期."""

    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    HALF_MONTH = "within_15_days", _("Within 15 days")
    MONTHLY = "monthly", _("Monthly")


class EmploymentForm(models.TextChoices):
    """用工形式."""

    PART_TIME = "part_time", _("Part-time")
    TEMPORARY = "temporary", _("Temporary")
    SEASONAL = "seasonal", _("Seasonal or phased")


class Eligibility(models.TextChoices):
    """就业困难人员 categories a public-welfare job (公益性岗位) is reserved for."""

    AGE_4050 = "4050", _("Women over 40, men over 50")
    DISABLED = "disabled", _("Persons with disabilities")
    SUBSISTENCE = "subsistence", _("Minimum-subsistence households")
    ZERO_EMPLOYMENT = "zero_employment", _("Zero-employment families")
    LAND_LOST = "land_lost", _("Farmers who lost their land")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Long-term unemployed")
    POVERTY_ALLEVIATED = "poverty_alleviated", _("Out-of-poverty labour")
    VETERAN = "veteran", _("Retired soldiers in difficulty")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    FILLED = "filled", _("Filled")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")


def _lead(posting: Any, user: Any) -> bool:
    """Decisions reserved to the market's team lead (reject)."""
    return can.leads(user, posting.market_id)


def _staff(posting: Any, user: Any) -> bool:
    """Any officer or team lead of the posting's market."""
    return can.works_in(user, posting.market_id)


class Posting(ConcurrentTransitionMixin, models.Model):
    """A part-time, temporary or phased job (零工岗位) an employer (用工主体) offers, with every
    item standard art. 14 requires: occupation (工种), skill requirements, work location,
    working hours, pay and pay method (计酬方式); never discriminatory content."""

    employer = models.ForeignKey(
        Applicant,
        verbose_name=_("employer (用工主体)"),
        on_delete=models.PROTECT,
        related_name="postings",
    )
    contact_name = models.CharField(_("contact person"), max_length=50)
    # Encrypted at rest, in the history table too (personal data of the contact person);
    # pages show the masked form kept beside it.
    contact_phone = EncryptedTextField(_("contact phone"))
    contact_phone_masked = models.CharField(
        _("contact phone"), max_length=24, blank=True, editable=False
    )
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("occupation (工种)"),
        on_delete=models.PROTECT,
        related_name="postings",
    )
    # The posting's industry (行业, a 大类 of GB/T 4754-2017); empty is unknown (未知).
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry (行业)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"level": Industry.Level.DIVISION},
        related_name="postings",
    )
    skill_requirements = models.TextField(_("skill requirements (技能要求)"))
    county = models.ForeignKey(
        Region,
        verbose_name=_("work county (工作地点所在区县)"),
        on_delete=models.PROTECT,
        related_name="postings",
    )
    address = models.CharField(_("work address"), max_length=200)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    start_date = models.DateField(_("first working day"))
    end_date = models.DateField(_("last working day"))
    working_days = models.CharField(_("working days (e.g. 周一至周五)"), max_length=100)
    days_per_week = models.PositiveSmallIntegerField(_("working days per week"))
    start_time = models.TimeField(_("work starts at"))
    end_time = models.TimeField(_("work ends at"))
    break_minutes = models.PositiveSmallIntegerField(_("unpaid breaks (minutes a day)"), default=0)
    pay_min = models.DecimalField(_("pay from (元)"), max_digits=10, decimal_places=2)
    pay_max = models.DecimalField(_("pay up to (元)"), max_digits=10, decimal_places=2)
    pay_method = models.CharField(
        _("pay method (计酬方式)"), max_length=10, choices=PayMethod.choices
    )
    settlement = models.CharField(
        _("settlement (结算周期)"), max_length=16, choices=Settlement.choices
    )
    pay_daily = models.DecimalField(
        _("daily pay, normalised (元/日)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        help_text=_("The lower pay as a daily figure; empty for piece and per-job pay."),
    )
    # A piece rate's stated daily output (pieces a day), so the statistics can convert the
    # rate to a day's wage (stats.compute); empty: the piece rate is not converted.
    piece_daily_output = models.PositiveIntegerField(
        _("stated daily output (pieces a day)"), null=True, blank=True
    )
    # The lower pay as a day's wage for the monthly statistics (日均工资, stats.compute): a
    # piece rate × its stated daily output, else the daily pay (which intake leaves empty for
    # per-job pay and piece rates: validation.pay_daily_of). Kept by the database from the
    # columns above, so the month's wages are grouped on one column of the month's index.
    day_wage = models.GeneratedField(
        expression=models.Case(
            models.When(
                pay_method=PayMethod.PIECE,
                piece_daily_output__gt=0,
                then=models.F("pay_min") * models.F("piece_daily_output"),
            ),
            default=models.F("pay_daily"),
            output_field=models.DecimalField(max_digits=16, decimal_places=2),
        ),
        output_field=models.DecimalField(max_digits=16, decimal_places=2, null=True),
        db_persist=True,
    )
    headcount = models.PositiveIntegerField(_("people wanted"))
    employment_form = models.CharField(
        _("employment form (用工形式)"), max_length=12, choices=EmploymentForm.choices
    )
    is_public_welfare = models.BooleanField(_("public-welfare job (公益性岗位)"), default=False)
    eligibility = models.JSONField(_("reserved for (就业困难人员类别)"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    screening_findings = models.JSONField(_("content screening findings"), default=list)
    screening_justification = models.TextField(
        _("justification of screening exceptions"), blank=True
    )
    screening_exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exceptions approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = FSMField(
        _("status"), default=Status.DRAFT, choices=Status.choices, protected=True, max_length=12
    )
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="postings"
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("review case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="postings",
    )
    created_at = models.DateTimeField(_("taken in at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    # The day's wage is derived from the pay kept beside it: not a change of its own.
    history = HistoricalRecords(verbose_name=_("historical posting"), excluded_fields=["day_wage"])

    class Meta:
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["status", "end_date"]),
            # A market's published postings, newest first (the kiosk, the API's market filter):
            # read in order from the index instead of sorting every published posting.
            models.Index(
                fields=["market", "status", "-published_at"], name="posting_market_published"
            ),
            # Matching's candidate query (workflows.guidance.matching): published postings in
            # the seeker's areas and occupation groups, newest first.
            models.Index(
                fields=["status", "county", "occupation", "-published_at"],
                name="posting_match_candidates",
            ),
            # The monthly statistics (stats.compute): a market's postings published before a
            # month's end, with every column the month's figures read (validity, headcount,
            # occupation, industry, the day's wage): counted from the index alone, not the
            # postings' rows (SQLite at 2 M postings: 5 s → 0.3 s to add up a province's
            # openings).
            models.Index(
                fields=[
                    "market",
                    "published_at",
                    "end_date",
                    "ended_at",
                    "headcount",
                    "occupation",
                    "industry",
                    "day_wage",
                ],
                name="posting_month_figures",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pay_max__gte=models.F("pay_min")), name="posting_pay_range_ordered"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="posting_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation.name} × {self.headcount}"

    @property
    def hours_per_day(self) -> Decimal:
        return hours_between(self.start_time, self.end_time, self.break_minutes)

    @property
    def pay_is_single(self) -> bool:
        return self.pay_min == self.pay_max

    # --- The state graph ---------------------------------------------------------------------
    # Bodies only set fields; the services save, audit and drive the review case.

    @transition(field=status, source=Status.DRAFT, target=Status.IN_REVIEW, permission=_staff)
    def submit(self) -> None:
        """Taken in: the review case is open."""

    @transition(field=status, source=Status.IN_REVIEW, target=Status.PUBLISHED, permission=_staff)
    def publish(self) -> None:
        self.published_at = timezone.now()

    @transition(field=status, source=Status.IN_REVIEW, target=Status.REJECTED, permission=_lead)
    def reject(self) -> None:
        self.ended_at = timezone.now()

    @transition(
        field=status,
        source=[Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED],
        target=Status.WITHDRAWN,
        permission=_staff,
    )
    def withdraw(self) -> None:
        self.ended_at = timezone.now()

    @transition(field=status, source=Status.PUBLISHED, target=Status.FILLED, permission=_staff)
    def fill(self) -> None:
        self.ended_at = timezone.now()

    @transition(field=status, source=Status.PUBLISHED, target=Status.EXPIRED)
    def expire(self) -> None:
        """The last working day has passed (the daily sweep, no actor)."""
        self.ended_at = timezone.now()


def hours_between(start: time, end: time, break_minutes: int = 0) -> Decimal:
    """Working hours of a day from ``start`` to ``end`` less unpaid breaks, in hours to two
    decimals. An end at or before the start is the next day's (a night shift)."""
    day = date(2000, 1, 1)
    begin = datetime.combine(day, start)
    finish = datetime.combine(day, end)
    if finish <= begin:
        finish += timedelta(days=1)
    minutes = (finish - begin).total_seconds() / 60 - break_minutes
    return (Decimal(int(minutes)) / 60).quantize(Decimal("0.01"))
