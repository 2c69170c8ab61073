"""Job seekers (求职者): the registration profile of standard art. 16 and the guidance items of
art. 18.

One profile per person (``cases.Applicant``): registering the same ID number again updates it,
and its history keeps every earlier value. Gender and age are never typed: they come from the
resident ID number through the applicant.

Occupation codes are kept as plain strings (a JSON list) of the national classification (see
``rules``), checked for their form only: the ``postings`` app's ``Occupation`` table was being
built at the same time, and seeds only the occupations most posted, so a seeker could not yet
be refused an occupation it lacks. The codes have the table's format: checking them against it
later needs no change to stored data.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Applicant
from markets.models import Market, Region

from .rules import age_on

MAX_DAILY_PAY = 100_000  # yuan a day: anything above is a typing mistake, not an expectation


class HouseholdType(models.TextChoices):
    """The kind of household registration (户口性质)."""

    URBAN = "urban", _("Urban")  # 城镇
    RURAL = "rural", _("Rural")  # 农村


class Weekday(models.IntegerChoices):
    """ISO weekdays, as ``date.isoweekday()`` numbers them."""

    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class DifficultyCategory(models.TextChoices):
    """Employment-difficulty categories (就业困难人员类别) as recorded at registration.

    The formal recognition (认定) is the human-resources and social-security bureau's; this is
    what the officer recorded, for the monthly statistics by group (art. 15) and for public-
    welfare jobs (art. 20). The Employment Promotion Law (art. 52) defines the group by cause
    (health, skills, family circumstances, lost land, long unemployment) and leaves the exact
    list to each province. The first six codes are the groups every provincial list names; the
    others appear in many local lists. A code is added here (with its label) when the region's
    list changes: stored values are plain codes, so no migration of data is needed.
    """

    # 大龄失业人员 (“4050”): women aged 40 or over, men aged 50 or over. Checked against the age
    # and gender derived from the ID number.
    AGE_4050 = "4050", _("Older unemployed person: woman aged 40+, man aged 50+ (4050)")
    DISABLED = "disabled", _("Person with a disability")  # 残疾人
    # 城乡最低生活保障家庭成员
    DIBAO = "dibao", _("Member of a minimum-living-allowance (dibao) household")
    # 零就业家庭成员: no member of working age in the household has a job.
    ZERO_EMPLOYMENT_FAMILY = (
        "zero_employment_family",
        _("Member of a household with no one in work"),
    )
    # 失地农民 (被征地农民): lost their land to requisition.
    LAND_LOST_FARMER = "land_lost_farmer", _("Farmer who lost land to requisition")
    # 长期失业人员: registered as unemployed for a year or more without a break.
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Unemployed for a year or more")
    # 抚养未成年子女的单亲家庭成员: named by most provincial rules.
    SINGLE_PARENT = "single_parent", _("Single parent raising a minor child")
    # 脱贫人口 (including 防止返贫监测对象): not a difficulty category in the national law, but the
    # group Guangxi's employment assistance targets most; kept here so the statistics show it.
    LIFTED_FROM_POVERTY = (
        "lifted_from_poverty",
        _("Lifted out of poverty, or monitored against falling back"),
    )
    # 刑满释放人员 and 戒毒康复人员: recognised by some local rules only (usually within a few
    # years of release); recorded when the seeker asks for that help, never inferred.
    RELEASED_PRISONER = "released_prisoner", _("Released from prison or drug rehabilitation")


class SeekerProfile(models.Model):
    """A job seeker's registration (求职登记, standard art. 16): basic information, employment
    needs, training needs and employability."""

    applicant = models.OneToOneField(
        Applicant,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="seeker_profile",
    )
    # Basic information (基本信息): name, ID number, gender, age and mobile are the applicant's.
    household_type = models.CharField(
        _("household registration (户口性质)"),
        max_length=8,
        choices=HouseholdType.choices,
        blank=True,
    )
    home_county = models.ForeignKey(
        Region,
        verbose_name=_("county of household registration (户籍所在县)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Employment needs (就业需求).
    wanted_occupations = models.JSONField(
        _("occupations wanted (求职工种)"), default=list, blank=True
    )
    wanted_areas = models.JSONField(
        _("where they want to work (期望工作地区)"), default=list, blank=True
    )
    available_days = models.JSONField(_("days available"), default=list, blank=True)
    available_from = models.TimeField(_("available from"), null=True, blank=True)
    available_until = models.TimeField(_("available until"), null=True, blank=True)
    min_daily_pay = models.DecimalField(
        _("lowest daily pay expected (yuan, 期望日薪)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )
    # Training needs (培训需求).
    training_wish = models.TextField(_("training wanted (培训意愿)"), blank=True)
    training_occupations = models.JSONField(
        _("occupations to be trained in"), default=list, blank=True
    )
    # Employability (就业能力).
    skills = models.TextField(_("skills (技能特长)"), blank=True)
    certificates = models.JSONField(_("certificates (证书)"), default=list, blank=True)
    years_of_experience = models.PositiveSmallIntegerField(
        _("years of work experience"), null=True, blank=True
    )
    difficulty_categories = models.JSONField(
        _("employment-difficulty categories (就业困难人员类别)"), default=list, blank=True
    )
    # Consent to share the registration with the provincial platform (数智人社, standard art.
    # 25): nothing of the seeker goes out without it (provincial.receivers).
    platform_consent = models.BooleanField(
        _("agrees to share the registration with the provincial platform"), default=False
    )
    platform_consent_at = models.DateTimeField(
        _("consent to share recorded at"), null=True, blank=True, editable=False
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical job-seeker profile"))

    class Meta:
        verbose_name = _("job-seeker profile")
        verbose_name_plural = _("job-seeker profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_daily_pay__isnull=True)
                | Q(min_daily_pay__gt=0, min_daily_pay__lte=MAX_DAILY_PAY),
                name="seeker_daily_pay_sane",
            ),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True, available_until__isnull=True)
                | Q(available_from__lt=models.F("available_until")),
                name="seeker_hours_in_order",
            ),
        ]
        indexes = [models.Index(fields=["-updated_at"])]

    def __str__(self) -> str:
        return f"{self.applicant.name} ({self.applicant.id_number_masked})"

    @property
    def gender(self) -> str:
        """From the ID number (the 17th digit), never typed."""
        return self.applicant.gender

    @property
    def birth_date(self) -> date | None:
        return self.applicant.birth_date

    def age(self, on: date | None = None) -> int | None:
        """Age in completed years today (Asia/Shanghai) or ``on`` a given day."""
        born = self.applicant.birth_date
        return None if born is None else age_on(born, on or timezone.localdate())


class GuidanceItem(models.Model):
    """Guidance given to a seeker (standard art. 18): what they were guided to, and with what
    outcome. Counted by the statistics and, through the event log, in the ledger."""

    class Item(models.TextChoices):
        # 就业登记: voluntary registration of employment (or unemployment) with the bureau.
        EMPLOYMENT_REGISTRATION = "employment_registration", _("Employment registration")
        # 企业职工基本养老保险: flexible workers may join it themselves (灵活就业人员参保).
        BASIC_PENSION = "basic_pension", _("Basic pension insurance for enterprise employees")
        # 新就业形态就业人员职业伤害保障: the national pilot began in July 2022 in seven provinces
        # (ride-hailing, food-delivery, freight and instant-delivery platforms); Guangxi joined the
        # national pilot when it was extended in July 2025.
        OCCUPATIONAL_INJURY = (
            "occupational_injury",
            _("Occupational-injury protection for new forms of employment"),
        )

    class Outcome(models.TextChoices):
        ADVISED = "advised", _("Advised")  # 已告知引导
        DONE = "done", _("Done")  # 已办理
        DECLINED = "declined", _("Declined")  # 本人暂不办理
        NOT_APPLICABLE = "not_applicable", _("Not applicable")  # 不适用

    seeker = models.ForeignKey(
        SeekerProfile,
        verbose_name=_("job seeker"),
        on_delete=models.PROTECT,
        related_name="guidance_items",
    )
    item = models.CharField(_("guided to"), max_length=32, choices=Item.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="+"
    )
    given_on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical guidance item"))

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("guidance item")
        verbose_name_plural = _("guidance items")
        indexes = [models.Index(fields=["market", "given_on"])]

    def __str__(self) -> str:
        return f"{self.get_item_display()}: {self.get_outcome_display()}"
