"""R-ACC-01: the door, proven on every URL of the project.

The sweep walks Django's URL resolver — so a view added tomorrow is covered without anyone
remembering — fills each path with real ids of an archive (and its parts) that some of the
test users must not see, and requests it with GET and POST as: anonymous, an outsider (a
consultant of another sales department), a colleague of the owner, the owner, the manager.

    anonymous             → the login page (never the data)
    not in `allowed`      → 404 — not 403, so numbers cannot be probed — and a POST (with
                            data that would change something) changes nothing at all
    in `allowed`          → anything but 404 (the declared ids are real) and never 500
    pages without an id   → no archive of someone else shows up in them

HOW TO DECLARE A NEW VIEW — one line in a route table, keyed by its URL name: CORE below for
crm, the archive and access; tests/access/routes/<app>.py for the other apps.

    "visits:visit_detail": Private(lambda w: {"pk": VisitFactory(customer=w.customer).pk}),
    "visits:visit_close": Private(lambda w: {"pk": w.add(VisitFactory, customer=w.customer)},
                                  data=lambda w: {"result": "done"}),
    "complaints:complaint_list": Staff(),
    "billing:tariff_detail": Staff(lambda w: {"pk": TariffFactory().pk}),

  Public()           no login needed (login page, health check)
  Staff(kwargs)      any logged-in member of staff may open it; it must not leak the archive
  Private(kwargs, allowed=("owner", "manager"), data=...)
                     an object of the archive: who is not in `allowed` gets 404; `data` is
                     what a POST sends (make it a real change, so a leak would show)
  Admin()            (whole namespaces, see NAMESPACES) staff-only Django admin

`w` is the World built below: w.customer (机密, owned by the owner), w.phone, w.member,
w.attachment, w.occupancy, w.section, w.unit, w.project, w.notification (the owner's),
w.access_request (the owner's), w.destruction (the archive keeper's), w.owner, w.manager,
w.desk (front desk and customer service: sees residents up to 秘密, so not w.customer).

A staff page's POST with `data` is also sent by the outsider, the colleague and the desk: it
may write, but no row that names w.customer may change (a form must refuse an archive its
user may not see).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import connection, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from archives import profile, services
from archives.access import retention
from archives.access import services as access
from archives.models import (
    AccessScope,
    Customer,
    OccupancyRole,
    Secrecy,
    Status,
)
from crm import notifications
from tests.access.routes import APP_ROUTES
from tests.access.sweep import (
    ARCHIVE,
    DESTRUCTION,
    REQUEST,
    USERS,
    Admin,
    Private,
    Public,
    Route,
    Staff,
    World,
)

# --- The table: every URL name of the project, and how to sweep it ---------------------------
CORE: dict[str, Route] = {
    # crm: the shared core
    "home": Public(),
    "login": Public(),
    "logout": Public(),
    "set_language": Public(),
    "healthz": Public(),
    "password_change": Staff(),
    "password_change_done": Staff(),
    "crm:dashboard": Staff(),
    "crm:notification_list": Staff(),
    "crm:notification_open": Private(lambda w: {"pk": w.notification.pk}, allowed=("owner",)),
    "crm:notification_read_all": Staff(),
    "crm:project_list": Staff(),
    "crm:project_detail": Staff(lambda w: {"pk": w.project.pk}),
    "crm:unit_detail": Staff(lambda w: {"pk": w.unit.pk}),
    "crm:unit_lookup": Staff(data=lambda w: {"field": "unit", "unit-find": w.unit.number}),
    "crm:company_logo": Staff(),
    # archives: the customer archive
    "archives:customer_list": Staff(),
    "archives:customer_create": Staff(),
    "archives:customer_detail": Private(ARCHIVE),
    "archives:customer_edit": Private(ARCHIVE, data=lambda w: {"name": "改名", "reason": "x"}),
    "archives:customer_status": Private(
        ARCHIVE, data=lambda w: {"to": Status.INTENT, "reason": "又有意向"}
    ),
    "archives:customer_history": Private(ARCHIVE),
    "archives:customer_void": Private(ARCHIVE, data=lambda w: {"reason": "重复档案"}),
    "archives:profile_edit": Private(
        lambda w: {"pk": w.customer.pk, "section_pk": w.section.pk},
        data=lambda w: {"native_place": "河南郑州"},
    ),
    "archives:family_add": Private(ARCHIVE, data=lambda w: {"relation": "child", "name": "小明"}),
    "archives:family_edit": Private(
        lambda w: {"pk": w.customer.pk, "member_pk": w.member.pk},
        data=lambda w: {"relation": "spouse", "name": "改名", "reason": "更正"},
    ),
    "archives:family_remove": Private(
        lambda w: {"pk": w.customer.pk, "member_pk": w.member.pk},
        data=lambda w: {"reason": "离婚"},
    ),
    "archives:phone_add": Private(
        ARCHIVE, data=lambda w: {"kind": "mobile", "number": "13700001111"}
    ),
    "archives:phone_remove": Private(
        lambda w: {"pk": w.customer.pk, "phone_pk": w.phone.pk},
        data=lambda w: {"reason": "停机"},
    ),
    "archives:deal_add": Private(
        ARCHIVE, data=lambda w: {"kind": "purchase", "signed_on": "2026-01-05", "amount": "1"}
    ),
    "archives:company_record_add": Private(
        ARCHIVE,
        data=lambda w: {"kind": "performance", "date": "2026-01-05", "title": "业绩"},
    ),
    "archives:move_in": Private(
        ARCHIVE,
        data=lambda w: {"unit": w.unit.pk, "role": "owner", "moved_in": "2026-01-05"},
    ),
    "archives:move_out": Private(
        lambda w: {"pk": w.customer.pk, "occupancy_pk": w.occupancy.pk},
        data=lambda w: {"moved_out": "2026-01-06", "reason": "搬离"},
    ),
    "archives:attachment_upload": Private(ARCHIVE),
    "archives:attachment_download": Private(
        lambda w: {"pk": w.customer.pk, "attachment_pk": w.attachment.pk}
    ),
    "archives:unit_files": Staff(),
    "archives:unit_file": Staff(lambda w: {"pk": w.unit.pk}),
    # archives.access: requests, sheet, reveal, log, retention
    "archives:access_request_list": Staff(),
    "archives:access_request_new": Staff(),
    "archives:access_request_detail": Private(REQUEST),
    "archives:access_request_decide": Private(REQUEST, data=lambda w: {"decision": "approve"}),
    "archives:access_request_withdraw": Private(REQUEST),
    "archives:access_request_revoke": Private(REQUEST, data=lambda w: {"note": "收回"}),
    "archives:access_request_print": Private(REQUEST),
    "archives:archive_print": Private(ARCHIVE),
    "archives:archive_export": Private(ARCHIVE),
    "archives:archive_reveal": Private(ARCHIVE, data=lambda w: {"kind": "phone", "pk": w.phone.pk}),
    "archives:access_log": Staff(),
    "archives:access_log_export": Staff(),
    "archives:retention": Staff(),
    "archives:destruction_new": Private(ARCHIVE, data=lambda w: {"reason": "到期"}),
    "archives:destruction_detail": Private(DESTRUCTION, allowed=("manager",)),
    "archives:destruction_decide": Private(
        DESTRUCTION, allowed=("manager",), data=lambda w: {"decision": "approve"}
    ),
    "archives:destruction_carry_out": Private(
        DESTRUCTION, allowed=("manager",), data=lambda w: {"confirm": w.customer.number}
    ),
    "archives:destruction_print": Private(DESTRUCTION, allowed=("manager",)),
}

ROUTES: dict[str, Route] = {**CORE, **APP_ROUTES}

# Whole namespaces declared at once (named and unnamed patterns alike).
NAMESPACES: dict[str, Route] = {"admin": Admin()}


# --- Walking the resolver ----------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or "namespace:<unnamed …>"
    route: str

    @property
    def namespace(self) -> str:
        return self.key.split(":", 1)[0] if ":" in self.key else ""


def walk(resolver=None, prefix: str = "", namespace: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            joined = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from walk(entry, prefix + str(entry.pattern), joined)
            continue
        route = prefix + str(entry.pattern)
        name = entry.name or f"<unnamed {route}>"
        yield Pattern(f"{namespace}:{name}" if namespace else name, route)


def declaration(pattern: Pattern) -> Route | None:
    return ROUTES.get(pattern.key) or NAMESPACES.get(pattern.namespace)


def test_every_url_pattern_is_declared():
    """R-ACC-01: a view nobody classified fails here until it gets its line in ROUTES."""
    patterns = list(walk())
    unknown = [p for p in patterns if declaration(p) is None]
    hint = "\n".join(
        f'  "{p.key}": Private(lambda w: {{...}}),   # route: {p.route}' for p in unknown
    )
    assert not unknown, (
        f"{len(unknown)} URL pattern(s) are not declared in tests/access/test_url_sweep.py. "
        "Add one line each to ROUTES (see the module docstring: Public / Staff / Private):\n" + hint
    )
    stale = set(ROUTES) - {p.key for p in patterns}
    assert not stale, f"ROUTES declares URL names that no longer exist: {sorted(stale)}"


def test_archives_stay_out_of_the_django_admin():
    """Design: guardian's admin does not restrict objects, so no archive — nor anything that
    holds a customer's data — is in it; only configuration (grades, templates, rules) is."""
    from archives.models import Customer

    def holds_customer_data(model) -> bool:
        # Forward links only: a user or a project is pointed at by archives, not holding one.
        return model is Customer or any(
            f.related_model is Customer
            for f in model._meta.get_fields()
            if f.is_relation and f.concrete
        )

    exposed = [m._meta.label for m in admin.site._registry if holds_customer_data(m)]
    assert not exposed
    assert "guardian" not in {m._meta.app_label for m in admin.site._registry}


# --- The world: one archive and its parts, users who may and may not see it ---------------------


@pytest.fixture
def world(
    make_customer,
    owner,
    colleague,
    stranger,
    manager,
    keeper,
    desk,
    unit,
    upload,
    private_media,
):
    customer = make_customer(
        owner=owner,
        name="沈秘书",
        mobile="13900009999",
        secrecy=Secrecy.CONFIDENTIAL,
        id_number="11010519491231002X",
    )
    member = services.save_family_member(
        customer=customer, by=owner, relation="spouse", name="沈夫人", phone="13800007777"
    )
    occupancy = services.move_in(
        customer=customer,
        unit=unit,
        role=OccupancyRole.OWNER,
        moved_in=dt.date(2015, 3, 1),
        by=owner,
    )
    services.change_status(customer=customer, to=Status.LOST, reason="未成交", by=owner)
    Customer.objects.filter(pk=customer.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(days=365 * 11)
    )
    customer.refresh_from_db()
    (access_request,) = access.file_access_request(
        by=owner, customers=[customer], reason="打印存档", scope=AccessScope.EXPORT, days=3
    )
    return World(
        owner=owner,
        colleague=colleague,
        outsider=stranger,
        manager=manager,
        desk=desk,
        keeper=keeper,
        customer=customer,
        phone=customer.phones.get(),
        member=member,
        attachment=upload(customer, owner),
        occupancy=occupancy,
        section=profile.sections_of(profile.template_for(customer.project))[0],
        unit=unit,
        project=unit.floor.building.project,
        notification=notifications.notify([owner], "回访提醒")[0],
        access_request=access_request,
        destruction=retention.request_destruction(customer=customer, by=keeper, reason="到期"),
        secrets=["沈秘书", customer.number, "13900009999", "沈夫人"],
    )


# --- The sweep ---------------------------------------------------------------------------------


def sample_path(route: str) -> str:
    """A concrete path for a route we do not reverse (admin): any value of each parameter."""
    path = re.sub(r"<(?:\w+:)?\w+>", "1", route)
    path = re.sub(r"\(\?P<\w+>([^|)]+)[^)]*\)", lambda m: m.group(1).replace(".*", "x"), path)
    return "/" + path.lstrip("^").replace("$", "").replace("\\", "")


# Neither owns, co-owns, manages nor holds a grant; the desk may use every intake form.
STRANGERS = ("outsider", "colleague", "desk")
QUIET_TABLES = {"sessions.Session", "crm.User", "crm.CalendarDay", "crm.CalendarYear"}


def _watched(model) -> bool:
    """Tables whose every row is compared: the archive, its parts and history, grants,
    requests, the access log, messages. The profile template (42 seeded items) is counted."""
    label = model._meta.label
    if model._meta.app_label == "archives":
        return "Profile" not in label
    return model._meta.app_label == "guardian" or label in ("crm.Notification", "crm.SmsMessage")


def snapshot() -> dict:
    """The rows of the archive's tables and the row count of every other table: a denied
    request must leave all of it as it was. Raw SQL: the sweep takes hundreds of these."""
    rows = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.label in QUIET_TABLES:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            if _watched(model):
                cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
                rows[table] = cursor.fetchall()
            else:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                rows[table] = cursor.fetchone()[0]
    return rows


def footprint(customer) -> dict:
    """Every row that names the archive, in any table (its parts, their history, grants, the
    access log, complaints, orders …) and the archive's own row: what a form on a page open to
    all staff must leave alone when someone who may not see the archive names it."""
    rows = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            for field in model._meta.concrete_fields:
                if (field.is_relation and field.related_model is Customer) or (
                    model is Customer and field.primary_key
                ):
                    table = connection.ops.quote_name(model._meta.db_table)
                    column = connection.ops.quote_name(field.column)
                    cursor.execute(
                        f"SELECT * FROM {table} WHERE {column} = %s ORDER BY 1", [customer.pk]
                    )
                    rows[(table, column)] = cursor.fetchall()
    return rows


class Sweep:
    def __init__(self, world: World):
        self.world = world
        self.failures: list[str] = []
        self.requests = 0
        self.clients: dict[str, Client] = {}

    def client(self, who: str) -> Client:
        """One client per identity, logged in once (outside the rolled-back requests); logged
        in again if a request (logout) dropped its session cookie."""
        client = self.clients.setdefault(who, Client())
        cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
        if who != "anonymous" and (cookie is None or not cookie.value):
            client.force_login(getattr(self.world, who))
        return client

    def request(self, who: str, method: str, url: str, data: dict, watch):
        """The response, and whether what `watch` reads (a function, or None) changed."""
        client = self.client(who)
        with transaction.atomic():
            before = watch() if watch else None
            response = getattr(client, method)(url, data)
            changed = watch is not None and watch() != before
            transaction.set_rollback(True)
        self.requests += 1
        return response, changed

    def fail(self, key, who, method, url, message):
        self.failures.append(f"{key} {method.upper()} {url} as {who}: {message}")

    def check(self, pattern: Pattern, route: Route):
        if route.kind == "admin":
            url = sample_path(pattern.route)
            kwargs_data = {}
        else:
            kwargs = route.kwargs(self.world) if route.kwargs else {}
            url = reverse(pattern.key, kwargs=kwargs)
            kwargs_data = route.data(self.world) if route.data else {}
        for who in USERS:
            for method in ("get", "post"):
                if self.skip(route, who, method):
                    continue
                self.check_one(pattern, route, who, method, url, kwargs_data)
        if route.kind == "staff" and route.data:
            self.check_one(pattern, route, "desk", "post", url, kwargs_data)

    @staticmethod
    def skip(route: Route, who: str, method: str) -> bool:
        """What proves nothing more: the admin (one staff check guards it all) for more than
        two non-staff identities, and writes of pages everybody may use by people who may."""
        if route.kind == "admin":
            return who not in ("anonymous", "colleague") or method == "post"
        return (
            route.kind in ("staff", "public") and who in ("owner", "manager") and method == "post"
        )

    def check_one(self, pattern, route, who, method, url, data):
        denied = route.kind == "private" and who not in route.allowed
        # A form open to all staff may write, but not about an archive the writer may not
        # see: a POST that names it (route.data) must leave every row naming it as it was.
        names_it = route.kind == "staff" and method == "post" and route.data and who in STRANGERS
        watch = (
            snapshot if denied else (lambda: footprint(self.world.customer)) if names_it else None
        )
        response, changed = self.request(who, method, url, data, watch)
        status = response.status_code
        body = b"" if response.streaming else response.content
        where = (pattern.key, who, method, url)
        if status >= 500:
            return self.fail(*where, f"server error {status}")
        if changed:
            self.fail(
                *where,
                "a denied request changed the database"
                if denied
                else "a staff form wrote about an archive the writer may not see",
            )
        if route.kind == "admin":
            if status == 200 and b'id="login-form"' not in body:
                self.fail(*where, "a non-staff user opened an admin page")
            return self.check_leak(where, body)
        if who == "anonymous" and route.kind != "public":
            location = response.get("Location", "")
            if not (status == 302 and "login" in location) and status != 405:
                self.fail(*where, f"anonymous got {status} {location}, not the login page")
            return
        if route.kind == "private":
            # 405 (wrong method) is answered before any lookup, the same for every id.
            if denied and status not in (404, 405):
                self.fail(*where, f"expected 404 for someone who may not see it, got {status}")
            if not denied and status == 404:
                self.fail(*where, "404 for someone who may see it: are the declared ids real?")
            return
        if who in ("outsider", "colleague") or route.kind == "public":
            self.check_leak(where, body)

    def check_leak(self, where, body: bytes):
        text = body.decode(errors="ignore")
        leaked = [secret for secret in self.world.secrets if secret in text]
        if leaked:
            self.fail(*where, f"the page shows another's archive: {leaked}")


PATTERNS = list(walk())
CHUNK = 12  # patterns per test, so pytest-xdist spreads the sweep over the CPUs


@pytest.mark.django_db
@pytest.mark.parametrize("chunk", range(0, len(PATTERNS), CHUNK))
def test_the_door_holds_on_every_url(world, chunk, capsys):
    """R-ACC-01: another's archive answers 404 (not 403) on pages, exports, downloads,
    history and actions; a denied write changes nothing; pages without an id leak nothing."""
    sweep = Sweep(world)
    patterns = PATTERNS[chunk : chunk + CHUNK]
    for pattern in patterns:
        route = declaration(pattern)
        if route is not None:  # undeclared ones fail test_every_url_pattern_is_declared
            sweep.check(pattern, route)
    with capsys.disabled():
        print(
            f"\nURL sweep {chunk}: {len(patterns)} of {len(PATTERNS)} patterns, "
            f"{sweep.requests} requests"
        )
    assert not sweep.failures, "\n".join(sweep.failures)


@pytest.mark.django_db
def test_every_post_without_a_csrf_token_is_refused(world):
    """Hardening: CSRF on every form — each URL of the project refuses a POST without the
    token (Django's check runs before any view, so nothing is changed either)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    # The declared ids first: their kwargs may make the objects they name (w.once).
    requests = []
    for pattern in PATTERNS:
        route = declaration(pattern)
        if route is None:
            continue
        if route.kind == "admin":
            url = sample_path(pattern.route)
        else:
            url = reverse(pattern.key, kwargs=route.kwargs(world) if route.kwargs else {})
        requests.append((pattern, url, route.data(world) if route.data else {}))
    before = snapshot()
    accepted = []
    for pattern, url, data in requests:
        response = client.post(url, data)
        if response.status_code != 403 or b"CSRF" not in response.content:
            accepted.append(f"{pattern.key} {url}: {response.status_code}")
    assert not accepted, "POST without CSRF token not refused:\n" + "\n".join(accepted)
    assert snapshot() == before
