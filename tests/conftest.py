"""Factories and fixtures shared by the whole suite.

Staff of each role come with a confirmed authenticator (TOTP device) whose key is known, so a
test can compute the current code exactly as a phone would. ``verified_client`` gives a
session that passed both factors; ``password_only_client`` one that passed only the password.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import factory
import polib
import pytest
import time_machine
from db_support import flush_lifting_audit_triggers
from db_template import database_from_template
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from accounts.models import User
from accounts.sessions import LAST_SEEN_AT, SIGNED_IN_AT
from markets.models import Market, Membership, Region, Role, ServiceStation

REPO_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Correct-Horse-42!"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday morning, one second into a 30-second TOTP step (1772413201 % 30 == 1): a test that
# freezes time here has the whole step ahead of it.
FROZEN_AT = datetime(2026, 3, 2, 9, 0, 1, tzinfo=SHANGHAI)

# One known authenticator key per role (hex, 20 bytes like django-otp's default).
TOTP_KEYS = {
    Role.OFFICER: "3132333435363738393031323334353637383930",
    Role.TEAM_LEAD: "a1b2c3d4e5f60718293a4b5c6d7e8f9001122334",
    Role.INSPECTOR: "5566778899aabbccddeeff001122334455667788",
    Role.SYSTEM_ADMIN: "0102030405060708090a0b0c0d0e0f1011121314",
    Role.SECURITY_ADMIN: "1415161718191a1b1c1d1e1f2021222324252627",
    Role.AUDIT_ADMIN: "28292a2b2c2d2e2f303132333435363738393a3b",
}


# --- TOTP ---------------------------------------------------------------------------------------


def totp_code(key_hex: str, *, steps: int = 0) -> str:
    """The code an authenticator with this key shows now (or ``steps`` steps from now)."""
    return f"{totp(bytes.fromhex(key_hex), drift=steps):06d}"


def wrong_totp_code(key_hex: str) -> str:
    """A six-digit code that the device refuses now: outside its whole tolerance window."""
    near = {totp_code(key_hex, steps=s) for s in range(-2, 3)}
    for candidate in (f"{n:06d}" for n in itertools.count(123456, 7919)):
        if candidate not in near:
            return candidate
    raise AssertionError("unreachable")


def device_key(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return str(device.key)


# --- Factories ----------------------------------------------------------------------------------


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    full_name = factory.Sequence(lambda n: f"工作人员{n}")
    is_active = True

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save()


class RegionFactory(DjangoModelFactory[Region]):
    """A region by its code; its parent must exist already (create parents first)."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "450000"
    name = "广西壮族自治区"
    level = factory.LazyAttribute(lambda o: Region.level_of(o.code))
    parent = factory.LazyAttribute(
        lambda o: Region.objects.filter(code=Region.parent_code_of(o.code) or "").first()
    )


class MarketFactory(DjangoModelFactory[Market]):
    class Meta:
        model = Market

    region = factory.SubFactory(RegionFactory, code="450100", name="南宁市")
    name = factory.LazyAttributeSequence(lambda o, n: f"{o.region.name}第{n}零工市场")
    service_phone = "0771-5501234"
    address = "民族大道 100 号"
    opens_at = time(8, 30)
    lunch_starts_at = time(12, 0)
    lunch_ends_at = time(14, 30)
    closes_at = time(17, 30)
    premises_area_m2 = Decimal("120.0")


class ServiceStationFactory(DjangoModelFactory[ServiceStation]):
    class Meta:
        model = ServiceStation

    market = factory.SubFactory(MarketFactory)
    name = factory.Sequence(lambda n: f"第{n}社区家门口就业服务站")
    address = "双拥路 38 号"


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.OFFICER
    market = factory.SubFactory(MarketFactory)
    region = None

    class Params:
        inspector = factory.Trait(
            role=Role.INSPECTOR,
            market=None,
            region=factory.SubFactory(RegionFactory),
        )


def add_totp_device(user: User, key_hex: str) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", key=key_hex, confirmed=True)


# --- Organisation -------------------------------------------------------------------------------


@pytest.fixture
def guangxi(db: None) -> Region:
    return RegionFactory.create(code="450000", name="广西壮族自治区")


@pytest.fixture
def nanning(guangxi: Region) -> Region:
    return RegionFactory.create(code="450100", name="南宁市")


@pytest.fixture
def liuzhou(guangxi: Region) -> Region:
    return RegionFactory.create(code="450200", name="柳州市")


@pytest.fixture
def nanning_market(nanning: Region) -> Market:
    return MarketFactory.create(region=nanning, name="南宁市零工市场")


# --- Staff of each role, each with a confirmed authenticator ------------------------------------


def _staff(username: str, role: Role, **scope: Any) -> User:
    user = UserFactory.create(username=username)
    Membership.objects.create(user=user, role=role, **scope)
    add_totp_device(user, TOTP_KEYS[role])
    return user


@pytest.fixture
def officer(nanning_market: Market) -> User:
    return _staff("officer", Role.OFFICER, market=nanning_market)


@pytest.fixture
def team_lead(nanning_market: Market) -> User:
    return _staff("teamlead", Role.TEAM_LEAD, market=nanning_market)


@pytest.fixture
def inspector(guangxi: Region) -> User:
    return _staff("inspector", Role.INSPECTOR, region=guangxi)


@pytest.fixture
def system_admin(db: None) -> User:
    return _staff("sysadmin", Role.SYSTEM_ADMIN)


@pytest.fixture
def security_admin(db: None) -> User:
    return _staff("secadmin", Role.SECURITY_ADMIN)


@pytest.fixture
def audit_admin(db: None) -> User:
    return _staff("auditadmin", Role.AUDIT_ADMIN)


@pytest.fixture
def newcomer(nanning_market: Market) -> User:
    """An officer who has not yet enrolled an authenticator (first sign-in ahead)."""
    user = UserFactory.create(username="newcomer")
    Membership.objects.create(user=user, role=Role.OFFICER, market=nanning_market)
    return user


# --- Cases ---------------------------------------------------------------------------------------

# Valid GB 11643 numbers (check characters computed by cases.identity).
ID_NUMBERS = ["450102199003071238", "450103198512120028", "450102197001010037"]


def applicant_make(actor: User, *, name: str = "韦小宝", id_number: str = ID_NUMBERS[0]) -> Any:
    from cases.services import applicant_person_register

    return applicant_person_register(
        actor=actor, name=name, id_number=id_number, mobile="13800138000"
    )


def case_make(actor: User, *, subject: str = "灵活就业社保补贴政策咨询", **kwargs: Any) -> Any:
    """A policy consultation opened at the counter of ``actor``'s first market."""
    from cases.services import case_open

    market: Market | None = kwargs.pop("market", None)
    if market is None:
        membership = Membership.objects.filter(user=actor, market__isnull=False).first()
        assert membership is not None
        assert membership.market is not None
        market = membership.market
    applicant = kwargs.pop("applicant", None) or applicant_make(actor)
    return case_open(
        actor=actor,
        market=market,
        kind=kwargs.pop("kind", "policy_consultation"),
        channel=kwargs.pop("channel", "counter"),
        applicant=applicant,
        subject=subject,
        **kwargs,
    )


# --- Clients ------------------------------------------------------------------------------------


def _signed_in_client(user: User, *, verified: bool) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    if verified:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # as django_otp.login() does
    now = timezone.now().isoformat()  # as accounts.sessions.session_start() does
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now
    session.save()
    return client


@pytest.fixture
def verified_client(db: None) -> Callable[[User], Client]:
    """A new client signed in as ``user`` with both factors passed."""
    return lambda user: _signed_in_client(user, verified=True)


@pytest.fixture
def password_only_client(db: None) -> Callable[[User], Client]:
    """A new client signed in as ``user`` with the password only (no second factor)."""
    return lambda user: _signed_in_client(user, verified=False)


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- Time and state ------------------------------------------------------------------------------


@pytest.fixture
def frozen_time() -> Iterator[time_machine.Traveller]:
    """Time stands still at FROZEN_AT until the test moves it (``.shift()``, ``.move_to()``)."""
    with time_machine.travel(FROZEN_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_audit_anchors() -> Iterator[None]:
    """Each test starts without audit anchors: the anchor file lives outside the database, so
    the rollback that empties the event log after a test does not remove it."""
    shutil.rmtree(settings.AUDIT_ANCHOR_DIR, ignore_errors=True)
    yield
    shutil.rmtree(settings.AUDIT_ANCHOR_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """pytest-django's, but the test database is a copy of a migrated template when there is
    one, and becomes the template when there is none (tests/db_template.py)."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    with django_db_blocker.unblock(), database_from_template() as copied:
        db_cfg = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases=aliases,  # type: ignore[arg-type]  # a set of names, as pytest-django gives it
            serialized_aliases=serialized_aliases,
            keepdb=copied,
        )
    yield
    with django_db_blocker.unblock():
        teardown_databases(db_cfg, verbosity=request.config.option.verbose)


@pytest.fixture(scope="session")
def bench_static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder of collected static files for the benchmarks this process runs (their
    ``BENCH_STATIC_ROOT``): collected by the first, reused by the others."""
    return tmp_path_factory.mktemp("bench-static")


@pytest.fixture(autouse=True, scope="session")
def _flush_empties_the_audit_log_on_sqlite() -> Iterator[None]:
    """The flush after each transactional test may empty the append-only event log of the
    SQLite test database (tests/db_support.py says why and how)."""
    with flush_lifting_audit_triggers():
        yield


@pytest.fixture(autouse=True, scope="session")
def _compiled_translations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Serve the translations from the .po files as they are now, not from whatever .mo files
    an earlier build left in locale/ (those are build output, not source)."""
    compiled_paths = []
    for index, locale_path in enumerate(Path(p) for p in settings.LOCALE_PATHS):
        compiled = tmp_path_factory.mktemp(f"locale{index}")
        for po_path in locale_path.glob("*/LC_MESSAGES/*.po"):
            target = compiled / po_path.relative_to(locale_path).with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            polib.pofile(str(po_path)).save_as_mofile(str(target))
        compiled_paths.append(compiled)
    with override_settings(LOCALE_PATHS=compiled_paths):
        yield
