"""The organisation: regions, gig markets (零工市场), service stations and staff roles."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

REGION_CODE = re.compile(r"^[1-8]\d{5}$")
# Beijing, Tianjin, Shanghai, Chongqing.
MUNICIPALITY_PREFIXES = frozenset({"11", "12", "31", "50"})

region_code_validator = RegexValidator(
    REGION_CODE, _("An administrative division code has six digits (GB/T 2260).")
)
phone_validator = RegexValidator(
    r"^(0\d{2,3}-?\d{7,8}|1[3-9]\d{9}|12333|[1-9]\d{4,5})$",
    _("Enter a landline with area code (0771-1234567), a mobile number or a hotline number."),
)


class Region(models.Model):
    """An administrative division (行政区划) identified by its 6-digit code.

    The code encodes the tree: 45xxxx is in Guangxi, 4501xx in Nanning; so the subtree of a
    region is every code that starts with its prefix.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("Prefecture city")
        COUNTY = "county", _("County or district")

    code = models.CharField(
        _("division code (行政区划代码)"),
        max_length=6,
        unique=True,
        validators=[region_code_validator],
    )
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices, editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        editable=False,
    )

    history = HistoricalRecords(verbose_name=_("historical region"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @staticmethod
    def level_of(code: str) -> Level:
        if code.endswith("0000"):
            return Region.Level.PROVINCE
        if code.endswith("00"):
            return Region.Level.CITY
        return Region.Level.COUNTY

    @staticmethod
    def parent_code_of(code: str) -> str | None:
        level = Region.level_of(code)
        if level == Region.Level.PROVINCE:
            return None
        if level == Region.Level.CITY:
            return code[:2] + "0000"
        return code[:4] + "00"

    @property
    def prefix(self) -> str:
        """Codes in this region's subtree start with this."""
        return {"province": self.code[:2], "city": self.code[:4]}.get(self.level, self.code)

    @property
    def directly_under_province(self) -> bool:
        """A district of one of the four municipalities (直辖市), or a county-level division
        administered by the province itself (省直辖县级行政区划, city segment 90): either has no
        prefecture city above it. Any other county needs its city."""
        return self.code[:2] in MUNICIPALITY_PREFIXES or self.code[2:4] == "90"

    def contains(self, other: Region) -> bool:
        return other.code.startswith(self.prefix)

    def clean(self) -> None:
        if not self.code or REGION_CODE.match(self.code) is None:
            return
        self.level = self.level_of(self.code)
        parent_code = self.parent_code_of(self.code)
        if parent_code is None:
            self.parent = None
            return
        parent = Region.objects.filter(code=parent_code).first()
        if parent is None and self.level == Region.Level.COUNTY and self.directly_under_province:
            parent = Region.objects.filter(code=self.code[:2] + "0000").first()
        if parent is None:
            message = _("Create the parent region (code %(code)s) first.")
            raise ValidationError({"code": message % {"code": parent_code}})
        self.parent = parent


class Division(models.Model):
    """An entry of the national table of administrative division codes (县级以上行政区划代码,
    GB/T 2260, published each year by the Ministry of Civil Affairs): reference data, not the
    organisation. Shipped in ``markets/data/``, loaded by a migration and refreshed by
    ``manage.py update_divisions``.

    A code that a later edition no longer lists stays, not current: the first six digits of a
    resident ID number issued there still name it. A :class:`Region` is made from a current
    division when something (a seeker's home county, a posting's county) first needs it.
    """

    code = models.CharField(_("division code (行政区划代码)"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=64, db_index=True)
    level = models.CharField(_("level"), max_length=8, choices=Region.Level.choices)
    is_current = models.BooleanField(
        _("in force"),
        default=True,
        help_text=_("Listed in the edition in force; otherwise abolished or renumbered."),
    )
    edition = models.CharField(
        _("edition"), max_length=32, blank=True, help_text=_("The last edition that lists it.")
    )
    first_year = models.PositiveSmallIntegerField(_("first year in use"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("last year in use"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")
        indexes = [models.Index(fields=["level", "is_current", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Market(models.Model):
    """A comprehensive gig-labour market (综合性零工市场), named "××市（县、区）零工市场"."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="markets"
    )
    name = models.CharField(
        _("official name"),
        max_length=64,
        unique=True,
        help_text=_(
            'The unified name "××市（县、区）零工市场": the region\'s name followed by "零工市场".'
        ),
    )
    service_phone = models.CharField(
        _("public service phone"), max_length=20, validators=[phone_validator]
    )
    address = models.CharField(_("address"), max_length=200)
    opens_at = models.TimeField(_("opens at"))
    lunch_starts_at = models.TimeField(_("lunch break starts"), null=True, blank=True)
    lunch_ends_at = models.TimeField(_("lunch break ends"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"))
    premises_area_m2 = models.DecimalField(
        _("premises area (m²)"),
        max_digits=8,
        decimal_places=1,
        validators=[MinValueValidator(0)],
        help_text=_("The regional gig-market standard asks for at least 50 m² (art. 5)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    opened_on = models.DateField(
        _("opened on"),
        null=True,
        blank=True,
        help_text=_(
            "The day the market first opened to the public. The monthly statistics start with "
            "its month; left empty, they start with the market's first record."
        ),
    )

    history = HistoricalRecords(verbose_name=_("historical market"))

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("gig market")
        verbose_name_plural = _("gig markets")
        constraints = [
            models.CheckConstraint(
                condition=Q(lunch_starts_at__isnull=True, lunch_ends_at__isnull=True)
                | Q(lunch_starts_at__isnull=False, lunch_ends_at__isnull=False),
                name="market_lunch_break_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.name and not self.name.endswith("零工市场"):
            errors["name"] = _('The official name must end with "零工市场".')
        elif self.name and self.region_id and self.region.name not in self.name:
            errors["name"] = _("The official name must contain the region's name (%(region)s).") % {
                "region": self.region.name
            }
        if (self.lunch_starts_at is None) != (self.lunch_ends_at is None):
            errors["lunch_ends_at"] = _(
                "Give both the start and the end of the lunch break, or neither."
            )
        if self.opens_at and self.closes_at:
            times = [self.opens_at, self.lunch_starts_at, self.lunch_ends_at, self.closes_at]
            given = [t for t in times if t is not None]
            if given != sorted(given) or len(set(given)) != len(given):
                errors["closes_at"] = _(
                    "Opening hours must run in order: opening, lunch start, lunch end, closing."
                )
        if errors:
            raise ValidationError(errors)


class ServiceStation(models.Model):
    """A neighbourhood employment service station (家门口就业服务站) under a market."""

    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="stations"
    )
    name = models.CharField(_("name"), max_length=64)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(verbose_name=_("historical service station"))

    class Meta:
        ordering = ["market", "name"]
        verbose_name = _("service station")
        verbose_name_plural = _("service stations")
        constraints = [
            models.UniqueConstraint(fields=["market", "name"], name="station_unique_per_market")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")  # 工作人员 / 首问责任人
    TEAM_LEAD = "team_lead", _("Team lead")  # 负责人
    INSPECTOR = "inspector", _("Inspector")  # 督查人员 (read-only, over a region subtree)
    SYSTEM_ADMIN = "system_admin", _("System administrator")  # 系统管理员
    SECURITY_ADMIN = "security_admin", _("Security administrator")  # 安全管理员
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")  # 审计管理员


# Tuples, not sets: their order ends up in migrations and must not change between runs.
MARKET_ROLES = (Role.OFFICER, Role.TEAM_LEAD)
ADMIN_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


class Membership(models.Model):
    """A role held by a staff member: in a market (officer, team lead), over a region subtree
    (inspector), or system-wide (the three separated administrator roles of 等保 level 3).

    The database itself refuses a second administrator role for the same account.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    market = models.ForeignKey(
        Market,
        verbose_name=_("market"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region (inspectors)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspectors",
    )
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("historical membership"))

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=MARKET_ROLES, market__isnull=False, region__isnull=True)
                    | Q(role=Role.INSPECTOR, market__isnull=True, region__isnull=False)
                    | Q(role__in=ADMIN_ROLES, market__isnull=True, region__isnull=True)
                ),
                name="membership_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role__in=ADMIN_ROLES),
                name="membership_one_admin_role_per_user",
                violation_error_message=_(
                    "An account may hold only one of the three administrator roles."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "market"],
                condition=Q(market__isnull=False),
                name="membership_one_role_per_market",
                violation_error_message=_("This staff member already has a role in this market."),
            ),
            models.UniqueConstraint(
                fields=["user", "region"],
                condition=Q(region__isnull=False),
                name="membership_one_inspection_per_region",
                violation_error_message=_("This inspector already covers this region."),
            ),
        ]
        indexes = [models.Index(fields=["market", "role"])]

    def __str__(self) -> str:
        scope = self.market or self.region
        label = self.get_role_display()
        return f"{self.user} · {label} · {scope}" if scope else f"{self.user} · {label}"

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.role in MARKET_ROLES:
            if self.market_id is None:
                errors["market"] = _("Choose the market for this role.")
            if self.region_id is not None:
                errors["region"] = _("Only an inspector role is given a region.")
        elif self.role == Role.INSPECTOR:
            if self.region_id is None:
                errors["region"] = _("Choose the region this inspector covers.")
            if self.market_id is not None:
                errors["market"] = _("An inspector covers a region, not a single market.")
        elif self.role in ADMIN_ROLES and (self.market_id or self.region_id):
            errors["role"] = _(
                "Administrator roles apply to the whole system: leave market and region empty."
            )
        if self.user_id and self.role and "role" not in errors:
            others = Membership.objects.filter(user_id=self.user_id).exclude(pk=self.pk)
            if self.role in ADMIN_ROLES:
                held = others.values_list("role", flat=True).first()
            else:
                held = others.filter(role__in=ADMIN_ROLES).values_list("role", flat=True).first()
            if held is not None:
                errors["role"] = _(
                    "Separation of duties: an administrator account holds exactly one role and "
                    "nothing else, and this account already holds the role “%(role)s”."
                ) % {"role": Role(held).label}
        if errors:
            raise ValidationError(errors)


class Absence(models.Model):
    """An officer away from their market from one day to another, both included, with the
    colleague of the same market who covers for them (AB岗: A角 away, B角 deputises).

    While it runs (``starts_on`` ≤ today ≤ ``ends_on``, neither ended early nor cancelled),
    new transfers to the officer go to the deputy, and so do the reminders and notifications
    about the officer's cases; the deputy sees and works on those cases. Nothing is reassigned:
    when the absence ends, everything is the officer's again. Recorded by a team lead of the
    market (``markets.absences``); the rules a record must pass are checked there, under lock.
    """

    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="absences"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("absent officer (A角)"),
        on_delete=models.PROTECT,
        related_name="absences",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deputy (B角)"),
        on_delete=models.PROTECT,
        related_name="deputisings",
    )
    starts_on = models.DateField(_("away from"))
    ends_on = models.DateField(_("away until (included)"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended early at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended or cancelled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(verbose_name=_("historical absence"))

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("absence (AB岗)")
        verbose_name_plural = _("absences (AB岗)")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="absence_ends_after_it_starts",
                violation_error_message=_("An absence cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(deputy=models.F("officer")),
                name="absence_deputy_is_someone_else",
                violation_error_message=_("The absent officer cannot be their own deputy."),
            ),
        ]
        indexes = [
            # Who is away in a market on a day (routing), and whom a deputy covers.
            models.Index(fields=["market", "officer", "ends_on"]),
            models.Index(fields=["deputy", "ends_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.officer} {self.starts_on}–{self.ends_on} → {self.deputy}"

    @property
    def is_withdrawn(self) -> bool:
        """Ended early or cancelled: it routes nothing any more."""
        return self.ended_at is not None or self.cancelled_at is not None

    def runs_on(self, day: date) -> bool:
        return not self.is_withdrawn and self.starts_on <= day <= self.ends_on
