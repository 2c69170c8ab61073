"""Every URL of the administration site, as every administrator and every staff role, with GET
and POST: who may do what, and that nothing changes where it must not.

The URLs are not listed by hand: the walk takes them from ``admin.site`` (each registered model
admin's ``get_urls()`` and the site's own), fills in real object ids (one object of each
registered model is created below), and looks up a rule for each URL by its name. A URL with no
rule fails the walk, so a new admin page or custom view cannot slip in unchecked.

Each request runs in a transaction that is rolled back afterwards, so every principal meets the
same database. Around each request the whole database (every table but the sessions) is
hashed: where the principal lacks the permission, the hash must not move and the answer must
be 403 (or, for an action on a list the principal may read, the list again). Where the
principal may write and something changed, the change must have left an event on the audit
trail, with the principal as its actor.

The POST bodies are real forms: the page as rendered to an administrator who may write (or,
failing that, who may read), parsed like a browser would, so a missing permission check would
show up as a saved change, not as a refused invalid form.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from admin_support import main_form
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from conftest import ServiceStationFactory
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

from accounts.models import User
from accounts.services import backup_codes_issue
from api.services import api_client_create
from audit.models import AuditEvent
from audit.services import event_record
from markets.models import Market
from notifications.models import OutboxMessage
from sla.models import CalendarDay, CalendarYear

OFFICER = "officer"
TEAM_LEAD = "team_lead"
INSPECTOR = "inspector"
SYSTEM_ADMIN = "system_admin"
SECURITY_ADMIN = "security_admin"
AUDIT_ADMIN = "audit_admin"
ADMINS = [SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN]
PRINCIPALS = [*ADMINS, OFFICER, TEAM_LEAD, INSPECTOR]

# --- Rules ----------------------------------------------------------------------------------------
# What a request needs, per kind of URL and method:
#   "view", "add", "change", "delete": that model permission ("view" is met by "change" too);
#   "nobody": refused to everyone (second-factor secrets);
#   "site": any administrator (the site's own pages);
#   "app": any administrator holding a permission in that app (else 404);
#   "actions": the changelist's POST, checked action by action (see ACTION_PERMISSIONS).
# A rule that may write ("add", "change", "delete", "actions", "sign_out") may change the
# database, and then must leave an audit event; every other rule must change nothing.

MODEL_URL_RULES: dict[str, dict[str, str]] = {
    "changelist": {"GET": "view", "POST": "actions"},
    "add": {"GET": "add", "POST": "add"},
    "change": {"GET": "view", "POST": "change"},
    "delete": {"GET": "delete", "POST": "delete"},
    "history": {"GET": "view", "POST": "view"},
    "redirect": {"GET": "site", "POST": "site"},  # <id>/ sends on to <id>/change/
    "simple_history": {"GET": "view", "POST": "change"},  # the revert form
    "password_change": {"GET": "change", "POST": "change"},  # accounts.User
    "config": {"GET": "nobody", "POST": "nobody"},  # a TOTP device's key
    "qrcode": {"GET": "nobody", "POST": "nobody"},  # the same key as a QR code
}
# Model admin URLs whose names do not follow "<app>_<model>_<kind>" (Django's UserAdmin names
# its password page after auth.User whatever the user model is).
OTHER_URL_NAMES = {"auth_user_password_change": "password_change"}
SITE_URL_RULES: dict[str, dict[str, str]] = {
    "index": {"GET": "site", "POST": "site"},
    "login": {"GET": "site", "POST": "site"},
    "logout": {"GET": "site", "POST": "sign_out"},
    "password_change": {"GET": "site", "POST": "site"},
    "password_change_done": {"GET": "site", "POST": "site"},
    "jsi18n": {"GET": "site", "POST": "site"},
    "autocomplete": {"GET": "view", "POST": "site"},  # of the model searched; GET only
    "view_on_site": {"GET": "site", "POST": "site"},
    "app_list": {"GET": "app", "POST": "app"},
    "catch_all": {"GET": "site", "POST": "site"},
}
WRITING_RULES = {"add", "change", "delete", "actions", "sign_out"}

# Custom permissions named by admin actions, as the model admin checks them.
ACTION_PERMISSIONS = {"reset_second_factor": "otp_totp.delete_totpdevice"}

# Answers a permitted request may give, per rule (a form with errors is 200, a save is 302).
ALLOWED_STATUS = {
    "view": {200},
    "add": {200, 302},
    "change": {200, 302},
    "delete": {200, 302},
    "site": {200, 302, 404, 405},  # 404: catch-all and view-on-site of a model without a page
    "app": {200},
    "sign_out": {302},
}


# --- The world ------------------------------------------------------------------------------------


def _make_one_of_each_model(world: dict[str, Any]) -> None:
    """One row of every registered model (most exist already: staff, markets, seeded data),
    each with a history row where the model keeps history."""
    market: Market = world["market"]
    officer: User = world[OFFICER]
    ServiceStationFactory.create(market=market)
    backup_codes_issue(user=officer)
    CalendarDay.objects.create(
        day=date(2026, 10, 1), market=market, is_working_day=False, reason="国庆节"
    )
    CalendarYear.objects.get_or_create(year=2026, defaults={"source": "国办发明电〔2025〕×号"})
    OutboxMessage.objects.create(
        channel="email", to="lead@example.org", body="hello", idempotency_key="walk:1"
    )
    event_record(action="walk.test", actor=officer, target=officer)
    AccessAttempt.objects.create(
        username="stranger", ip_address="10.0.0.1", user_agent="x", failures_since_start=1
    )
    AccessLog.objects.create(username="stranger", ip_address="10.0.0.1", user_agent="x")
    AccessFailureLog.objects.create(username="stranger", ip_address="10.0.0.1", user_agent="x")
    Group.objects.create(name="unused")
    api_client_create(
        name="省平台", scopes=["postings:read"], market=market, region=None, actor=None
    )
    from workflows.startup.models import LoanLimits

    if not LoanLimits.objects.exists():
        LoanLimits.objects.create(
            borrower_kind="individual",
            max_amount=Decimal("300000"),
            effective_from=date(2026, 1, 1),
        )
    for model in admin.site._registry:
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the walk needs one {model._meta.label}: create it above"
        history = getattr(model, "history", None)
        if history is not None and not history.filter(**{model._meta.pk.attname: obj.pk}).exists():
            obj.save()


@pytest.fixture
def world(
    officer: User,
    team_lead: User,
    inspector: User,
    system_admin: User,
    security_admin: User,
    audit_admin: User,
    nanning_market: Market,
    verified_client: Callable[[User], Client],
) -> dict[str, Any]:
    users = {
        OFFICER: officer,
        TEAM_LEAD: team_lead,
        INSPECTOR: inspector,
        SYSTEM_ADMIN: system_admin,
        SECURITY_ADMIN: security_admin,
        AUDIT_ADMIN: audit_admin,
    }
    world: dict[str, Any] = {**users, "market": nanning_market}
    _make_one_of_each_model(world)
    world["clients"] = {name: verified_client(user) for name, user in users.items()}
    return world


# --- URLs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminUrl:
    url: str
    kind: str  # a key of MODEL_URL_RULES or SITE_URL_RULES
    rules: dict[str, str]
    model: type[models.Model] | None = None
    app_label: str | None = None

    def __str__(self) -> str:
        return f"{self.url} ({self.kind})"


def _model_urls(model: type[models.Model], model_admin: Any) -> Iterator[AdminUrl]:
    opts = model._meta
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None
    prefix = f"{opts.app_label}_{opts.model_name}_"
    for pattern in model_admin.get_urls():
        assert isinstance(pattern, URLPattern), f"unexpected nested URLs in {model_admin}"
        name = pattern.name or ""
        if not name and str(pattern.pattern) == "<path:object_id>/":
            kind, url = "redirect", reverse(f"admin:{prefix}changelist") + f"{obj.pk}/"
        else:
            kind = OTHER_URL_NAMES.get(name) or name.removeprefix(prefix)
            assert (name.startswith(prefix) or name in OTHER_URL_NAMES) and (
                kind in MODEL_URL_RULES
            ), (
                f"no rule for the admin URL {pattern.pattern!s} (name {name!r}) of "
                f"{opts.label}: add one to MODEL_URL_RULES"
            )
            if kind == "simple_history":
                history = getattr(model, "history")  # noqa: B009 (not in the model's type)
                history_id = history.filter(**{opts.pk.attname: obj.pk}).latest().history_id
                url = reverse(f"admin:{name}", args=[obj.pk, history_id])
            elif kind in {"config", "qrcode"}:
                url = reverse(f"admin:{name}", kwargs={"pk": obj.pk})
            elif kind in {"changelist", "add"}:
                url = reverse(f"admin:{name}")
            else:
                url = reverse(f"admin:{name}", args=[obj.pk])
        yield AdminUrl(url, kind, MODEL_URL_RULES[kind], model=model)


def _site_urls() -> Iterator[AdminUrl]:
    for entry in admin.site.get_urls():
        if isinstance(entry, URLResolver):
            continue  # a model admin's URLs: walked above
        name = entry.name or ("catch_all" if "(?P<url>" in str(entry.pattern) else "")
        assert name in SITE_URL_RULES, (
            f"no rule for the admin URL {entry.pattern!s} (name {name!r}): add one to "
            "SITE_URL_RULES"
        )
        rules = SITE_URL_RULES[name]
        if name == "app_list":
            for app_label in sorted({m._meta.app_label for m in admin.site._registry}):
                yield AdminUrl(
                    reverse("admin:app_list", args=[app_label]), name, rules, app_label=app_label
                )
        elif name == "autocomplete":
            for model, model_admin in admin.site._registry.items():
                for field_name in model_admin.autocomplete_fields:
                    remote = model._meta.get_field(field_name).related_model
                    assert isinstance(remote, type) and issubclass(remote, models.Model)
                    query = (
                        f"?app_label={model._meta.app_label}&model_name={model._meta.model_name}"
                        f"&field_name={field_name}&term="
                    )
                    yield AdminUrl(reverse("admin:autocomplete") + query, name, rules, model=remote)
        elif name == "view_on_site":
            market = Market.objects.order_by("pk").first()
            assert market is not None
            content_type = ContentType.objects.get_for_model(Market)
            yield AdminUrl(
                reverse("admin:view_on_site", args=[content_type.pk, market.pk]), name, rules
            )
        elif name == "catch_all":
            yield AdminUrl(reverse("admin:index") + "no-such-page/", name, rules)
        else:
            yield AdminUrl(reverse(f"admin:{name}"), name, rules)


# --- Expectations ---------------------------------------------------------------------------------


def _model_perm(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def _permitted(user: User, rule: str, target: AdminUrl) -> bool:
    if not user.has_perm("accounts.use_admin_site"):
        return False
    if rule in {"site", "sign_out"}:
        return True
    if rule == "nobody":
        return False
    if rule == "app":
        return any(
            user.has_module_perms(target.app_label or "")
            and user.has_perm(_model_perm(model, action))
            for model in admin.site._registry
            if model._meta.app_label == target.app_label
            for action in ("view", "add", "change", "delete")
        )
    assert target.model is not None
    if rule == "view":
        return user.has_perm(_model_perm(target.model, "view")) or user.has_perm(
            _model_perm(target.model, "change")
        )
    return user.has_perm(_model_perm(target.model, rule))


def _action_permitted(user: User, model: type[models.Model], func: Any, name: str) -> bool:
    required = getattr(func, "allowed_permissions", ())
    # Django offers an action that declares no permission to everyone who reads the list.
    assert required, f"the admin action {name!r} on {model._meta.label} declares no permission"
    perms = []
    for permission in required:
        if permission in {"view", "add", "change", "delete"}:
            perms.append(_model_perm(model, permission))
        else:
            assert permission in ACTION_PERMISSIONS, (
                f"no rule for the permission {permission!r} of the admin action {name!r} on "
                f"{model._meta.label}: add it to ACTION_PERMISSIONS"
            )
            perms.append(ACTION_PERMISSIONS[permission])
    return all(user.has_perm(perm) for perm in perms)


# --- Requests -------------------------------------------------------------------------------------


def database_fingerprint() -> str:
    """A hash of every row of every table but the sessions (which each request touches)."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table == "django_session":
                continue
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the schema)
            rows = sorted(repr(row) for row in cursor.fetchall())
            digest.update(table.encode())
            for row in rows:
                digest.update(row.encode())
    return digest.hexdigest()


@dataclass
class Outcome:
    status: int
    changed: bool
    new_events: list[AuditEvent]
    body: bytes


def request_in_rollback(client: Client, method: str, url: str, data: Any = None) -> Outcome:
    """Send one request inside a transaction that is rolled back afterwards."""
    cookies = copy.deepcopy(client.cookies)  # a sign-out replaces the session cookie
    with transaction.atomic():
        last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        before = database_fingerprint()
        response = client.get(url) if method == "GET" else client.post(url, data or {})
        after = database_fingerprint()
        events = list(AuditEvent.objects.filter(pk__gt=last_event))
        transaction.set_rollback(True)
    client.cookies = cookies
    return Outcome(response.status_code, before != after, events, response.content)


# --- The walk -------------------------------------------------------------------------------------


SITE = "(the site's own pages)"


def urls_of(label: str) -> list[AdminUrl]:
    if label == SITE:
        return list(_site_urls())
    model = next(m for m in admin.site._registry if m._meta.label == label)
    return list(_model_urls(model, admin.site._registry[model]))


def walk(world: dict[str, Any], label: str) -> list[str]:
    """Every URL of one registered model (or of the site itself), as every principal."""
    problems: list[str] = []
    for target in urls_of(label):
        get_rule = target.rules["GET"]
        pages: dict[str, Outcome] = {}
        for who in PRINCIPALS:
            pages[who] = outcome = request_in_rollback(world["clients"][who], "GET", target.url)
            _check(problems, world, who, "GET", target, get_rule, outcome)

        post_rule = target.rules["POST"]
        if post_rule == "actions":
            _walk_actions(problems, world, target)
            continue
        data = _post_data(world, target, pages)
        for who in PRINCIPALS:
            outcome = request_in_rollback(world["clients"][who], "POST", target.url, data)
            _check(problems, world, who, "POST", target, post_rule, outcome)
    return problems


def _check(
    problems: list[str],
    world: dict[str, Any],
    who: str,
    method: str,
    target: AdminUrl,
    rule: str,
    outcome: Outcome,
    *,
    permitted: bool | None = None,
    refused_status: set[int] | None = None,
) -> None:
    user: User = world[who]
    if permitted is None:
        permitted = _permitted(user, rule, target)
    if refused_status is None:
        refused_status = {403, 404} if rule == "app" else {403}
    where = f"{who} {method} {target}"
    if not permitted:
        if outcome.status not in refused_status:
            problems.append(f"{where}: {outcome.status}, expected a refusal {refused_status}")
        if outcome.changed:
            problems.append(f"{where}: refused, but the database changed")
        return
    allowed = ALLOWED_STATUS.get(rule, {200, 302})
    if outcome.status not in allowed:
        problems.append(f"{where}: {outcome.status}, expected one of {sorted(allowed)}")
    if outcome.changed and rule not in WRITING_RULES:
        problems.append(f"{where}: a read changed the database")
    if outcome.changed and not any(event.actor_id == user.pk for event in outcome.new_events):
        problems.append(f"{where}: the database changed but no audit event names {who}")


def _post_data(
    world: dict[str, Any], target: AdminUrl, pages: dict[str, Outcome]
) -> dict[str, list[str]]:
    """The form of this page as an administrator who may write it saw it (else one who may
    read it, else anyone), plus the confirmation that deletions and actions ask for."""
    rule = target.rules["POST"]
    order = sorted(
        pages,
        key=lambda who: (
            not _permitted(world[who], rule, target),
            not _permitted(world[who], target.rules["GET"], target),
        ),
    )
    data: dict[str, list[str]] = {}
    for who in order:
        if pages[who].status == 200 and (data := main_form(pages[who].body)):
            break
    data.pop("csrfmiddlewaretoken", None)
    data.setdefault("post", ["yes"])
    return data


def _walk_actions(problems: list[str], world: dict[str, Any], target: AdminUrl) -> None:
    model = target.model
    assert model is not None
    model_admin = admin.site._registry[model]
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None
    actions = model_admin._get_base_actions()  # type: ignore[attr-defined]
    for func, name, _description in actions:
        data = {"action": name, "_selected_action": [str(obj.pk)], "index": "0", "post": "yes"}
        action_target = AdminUrl(f"{target.url} action={name}", "changelist", target.rules, model)
        for who in PRINCIPALS:
            user: User = world[who]
            outcome = request_in_rollback(world["clients"][who], "POST", target.url, data)
            can_view = _permitted(user, "view", target)
            # An action one may not run, on a list one may read: the list again (or a redirect to
            # it), unchanged.
            _check(
                problems,
                world,
                who,
                "POST",
                action_target,
                "actions",
                outcome,
                permitted=can_view and _action_permitted(user, model, func, name),
                refused_status={200, 302} if can_view else {403},
            )


@pytest.mark.django_db
@pytest.mark.parametrize("label", [m._meta.label for m in admin.site._registry] + [SITE])
def test_every_admin_url_refuses_and_records_as_the_roles_require(
    world: dict[str, Any], label: str
) -> None:
    problems = walk(world, label)

    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_walk_covers_every_registered_model_and_the_revert_forms(
    world: dict[str, Any],
) -> None:
    urls = [url for model in admin.site._registry for url in urls_of(model._meta.label)]

    assert {url.model for url in urls if url.kind == "changelist"} == set(admin.site._registry)
    reverts = {url.model._meta.label for url in urls if url.kind == "simple_history" and url.model}
    assert reverts >= {"markets.Market", "accounts.User", "sla.Policy", "sla.CalendarDay"}
    assert {url.kind for url in urls_of(SITE)} == set(SITE_URL_RULES)
