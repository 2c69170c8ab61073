"""Start-up help (创业服务, standard art. 23): a case for a person with four service items, each
with an outcome, and a pre-eligibility check for a start-up guaranteed loan (创业担保贷款).

The loan limits are data (``LoanLimits``), not code: a newer row applies from its own date, so a
change of policy is an administrator's entry with its source, and earlier checks keep the limit
that applied to them (each check stores the limit it was measured against).

The pre-check is only a pre-check: the loan itself is decided by the guarantee fund (担保基金)
and the lending bank. The market tells the applicant early what is missing or what rules them
out, so they do not walk between offices for nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case, SingleNotice


class StartupItem(models.TextChoices):
    """The four services of standard art. 23."""

    TRAINING = "training", _("Start-up training")  # 创业培训
    PROJECT = "project", _("Project recommendation")  # 项目推荐
    OPENING = "opening", _("Opening guidance")  # 开业指导
    LOAN = "loan", _("Guaranteed-loan consultation")  # 创业担保贷款咨询


class ServiceOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")  # 待办
    PROVIDED = "provided", _("Provided")  # 已提供
    REFERRED = "referred", _("Referred elsewhere")  # 已转介
    DECLINED = "declined", _("Declined by the applicant")  # 本人谢绝
    NOT_NEEDED = "not_needed", _("Not needed")  # 无需


class StartupService(models.Model):
    """One service item of a start-up help case and its outcome (创业服务事项)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="startup_services"
    )
    item = models.CharField(_("service (服务事项)"), max_length=16, choices=StartupItem.choices)
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        choices=ServiceOutcome.choices,
        default=ServiceOutcome.PENDING,
    )
    note = models.TextField(_("note"), blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    date = models.DateField(_("date"), null=True, blank=True)

    history = HistoricalRecords(verbose_name=_("historical start-up service"))

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("start-up service")
        verbose_name_plural = _("start-up services")
        constraints = [
            models.UniqueConstraint(fields=["case", "item"], name="startup_service_one_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()}: {self.get_outcome_display()}"


class BorrowerKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")  # 个人
    SMALL_BUSINESS = "small_business", _("Small or micro business")  # 小微企业


class LoanLimits(models.Model):
    """The largest start-up guaranteed loan for a kind of borrower, from a date on (贷款额度).
    The latest row in force on the day of a check applies."""

    borrower_kind = models.CharField(_("borrower"), max_length=16, choices=BorrowerKind.choices)
    max_amount = models.DecimalField(_("largest loan (yuan)"), max_digits=12, decimal_places=2)
    # When set, the business must have been registered no more than this many years before the
    # check. Left empty by the shipped rows: see the data migration.
    business_max_years = models.PositiveSmallIntegerField(
        _("business registered within (years)"), null=True, blank=True
    )
    effective_from = models.DateField(_("in force from"))
    note = models.TextField(_("source and note"), blank=True)

    history = HistoricalRecords(verbose_name=_("historical loan limit"))

    class Meta:
        ordering = ["borrower_kind", "-effective_from"]
        verbose_name = _("loan limit")
        verbose_name_plural = _("loan limits")
        constraints = [
            models.UniqueConstraint(
                fields=["borrower_kind", "effective_from"],
                name="loan_limits_one_per_kind_and_date",
                violation_error_message=_("This borrower has a limit from this date already."),
            ),
            models.CheckConstraint(
                condition=Q(max_amount__gt=0),
                name="loan_limits_positive",
                violation_error_message=_("A loan limit is more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_borrower_kind_display()} ≤ {self.max_amount} ({self.effective_from})"


class EligibilityGroup(models.TextChoices):
    """The groups who may borrow as individuals (财金〔2020〕21号, art. 1). Flexible workers
    (灵活就业) are not a group of their own there: they borrow as registered unemployed, as
    online traders, or through another group they belong to."""

    REGISTERED_UNEMPLOYED = "registered_unemployed", _("Registered unemployed (urban)")
    HARD_TO_EMPLOY = "hard_to_employ", _("Person with employment difficulty (incl. disabled)")
    VETERAN = "veteran", _("Demobilised or transferred veteran")  # 复员转业退役军人
    RELEASED_PRISONER = "released_prisoner", _("Released from prison")  # 刑满释放人员
    GRADUATE = "graduate", _("College graduate (incl. village officials, returned students)")
    OVERCAPACITY_WORKER = "overcapacity_worker", _("Worker laid off by capacity reduction")
    RETURNING_MIGRANT = "returning_migrant", _("Migrant worker returning home to start up")
    ONLINE_TRADER = "online_trader", _("Online trader")  # 网络商户
    LIFTED_FROM_POVERTY = "lifted_from_poverty", _("Registered poor / lifted out of poverty")
    RURAL_ENTREPRENEUR = "rural_entrepreneur", _("Farmer starting a business in the countryside")
    NONE = "none", _("None of these")


class Answer(models.TextChoices):
    """A criterion's answer; "not known yet" means the material proving it is missing."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known yet (material missing)")


class PreCheckResult(models.TextChoices):
    PRE_ELIGIBLE = "pre_eligible", _("Pre-eligible: refer to the guarantee fund")
    INCOMPLETE = "incomplete", _("Incomplete: materials missing")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


class LoanPreCheck(models.Model):
    """A loan pre-eligibility check (创业担保贷款资格预审) on a start-up help case.

    ``missing`` lists the criteria (codes of ``services.CRITERIA``) that could not be decided
    for want of a material; ``failed`` those that rule the applicant out."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="loan_prechecks"
    )
    borrower_kind = models.CharField(_("borrower"), max_length=16, choices=BorrowerKind.choices)
    amount = models.DecimalField(_("amount asked (yuan)"), max_digits=12, decimal_places=2)
    limit = models.ForeignKey(
        LoanLimits, verbose_name=_("limit applied"), on_delete=models.PROTECT, related_name="+"
    )
    eligibility_group = models.CharField(
        _("eligibility group"), max_length=24, choices=EligibilityGroup.choices, blank=True
    )
    hires_share_met = models.CharField(
        _("new hires reach the required share (small business)"),
        max_length=8,
        choices=Answer.choices,
        default=Answer.UNKNOWN,
    )
    business_registered_on = models.DateField(
        _("business registered on (营业执照登记日期)"), null=True, blank=True
    )
    identity_checked = models.CharField(
        _("identity checked"), max_length=8, choices=Answer.choices, default=Answer.UNKNOWN
    )
    plan_submitted = models.CharField(
        _("business plan handed in"), max_length=8, choices=Answer.choices, default=Answer.UNKNOWN
    )
    good_credit = models.CharField(
        _("no bad credit record"), max_length=8, choices=Answer.choices, default=Answer.UNKNOWN
    )
    no_other_loan = models.CharField(
        _("no other start-up loan outstanding"),
        max_length=8,
        choices=Answer.choices,
        default=Answer.UNKNOWN,
    )
    guarantee_available = models.CharField(
        _("collateral or guarantor available"),
        max_length=8,
        choices=Answer.choices,
        default=Answer.UNKNOWN,
    )
    result = models.CharField(_("result"), max_length=16, choices=PreCheckResult.choices)
    missing = models.JSONField(_("missing"), default=list, blank=True)
    failed = models.JSONField(_("ruled out by"), default=list, blank=True)
    notice = models.ForeignKey(
        SingleNotice,
        verbose_name=_("single notice issued"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Why no notice was issued although something was missing (the engine's words).
    notice_refused = models.TextField(_("notice not issued because"), blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical loan pre-check"))

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("loan pre-check")
        verbose_name_plural = _("loan pre-checks")

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.get_result_display()}"
