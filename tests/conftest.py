"""Fixtures every test may use: the three users of a permission test (owner, colleague,
outsider), managers, the property, finance and customer-service departments, a project and
its customers, and an SMS outbox. Celery runs eagerly here."""

from __future__ import annotations

import datetime as dt
import importlib
import os
from decimal import Decimal

import pytest

from archives import services
from archives.models import PhoneKind, Source
from crm.roles import Role
from tests.factories import (
    CompanyFactory,
    DepartmentFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)

_browser_skips: list[str] = []
_browser_passes: list[str] = []


def pytest_configure(config):
    from django.conf import settings

    from crm.celery import app

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_BACKEND = "crm.sms.MemoryBackend"
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def pytest_runtest_logreport(report):
    if "browser" not in report.keywords:
        return
    if report.skipped:
        _browser_skips.append(report.nodeid)
    elif report.when == "call" and report.passed:
        _browser_passes.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """CI sets SNOWBALL_REQUIRE_BROWSER=1: a skipped or absent browser test fails the run."""
    if not os.environ.get("SNOWBALL_REQUIRE_BROWSER") or hasattr(session.config, "workerinput"):
        return
    if _browser_skips or not _browser_passes:
        reason = ", ".join(_browser_skips) or "no browser test ran"
        print(f"\nSNOWBALL_REQUIRE_BROWSER: browser tests were skipped or missing: {reason}")
        session.exitstatus = 1


# The rows the migrations seed, in migration order: (module, functions).
SEEDS = (
    ("crm.migrations.0002_roles_and_work_calendar", ("create_roles", "seed_calendar")),
    ("archives.migrations.0002_seed_profile_template_and_search", ("seed",)),
    ("archives.migrations.0008_ownership_seed", ("seed",)),
    ("billing.migrations.0002_schedules_and_policy", ("seed",)),
    ("complaints.migrations.0002_seed_reply_deadlines", ("seed",)),
    ("repairs.migrations.0002_seed_sla_limits", ("seed",)),
    ("visits.migrations.0002_seed_plans_templates_questionnaire", ("seed",)),
)


@pytest.fixture(autouse=True)
def _seed_data_after_a_flush(request):
    """A transactional test (live server, concurrency) empties every table when it ends, the
    rows the migrations seed included (work calendar, profile template, deadlines, clock
    limits, plans…), so the next one on the same worker would start without them. Put them
    back first. (Django's serialized_rollback cannot: Playwright's event loop gets its own
    connection object, without the serialized copy.)"""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from archives.models import ProfileTemplate

    if ProfileTemplate.objects.exists():
        return
    for module, functions in SEEDS:
        migration = importlib.import_module(module)
        for name in functions:
            getattr(migration, name)(apps, None)


@pytest.fixture(autouse=True)
def _chinese_to_begin_with():
    """Each test starts in the default language. The language middleware activates the
    request's language for its thread, as Django's does, and a test whose client asked for
    English would otherwise leave the worker in English for the tests after it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _sms_outbox():
    from crm.sms import MemoryBackend

    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox


@pytest.fixture
def sms_outbox(_sms_outbox):
    return _sms_outbox


@pytest.fixture
def sales(db):
    return DepartmentFactory(code="sales", name="销售部")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="engineering", name="工程部")


@pytest.fixture
def property_department(db):
    return DepartmentFactory(code="property", name="物业部")


@pytest.fixture
def finance_department(db):
    return DepartmentFactory(code="finance", name="财务部")


@pytest.fixture
def service_department(db):
    return DepartmentFactory(code="customer_service", name="客服部")


@pytest.fixture
def owner(sales):
    """A consultant who owns what the test is about."""
    return UserFactory(
        username="zhangwei", name="张伟", department=sales, roles=[Role.SALES_CONSULTANT]
    )


@pytest.fixture
def colleague(sales):
    """A consultant in the same department who does not own it."""
    return UserFactory(
        username="lina", name="李娜", department=sales, roles=[Role.SALES_CONSULTANT]
    )


@pytest.fixture
def outsider(other_department):
    """Staff of another department, with no business seeing it."""
    return UserFactory(
        username="majun", name="马军", department=other_department, roles=[Role.TECHNICIAN]
    )


@pytest.fixture
def manager(sales):
    person = UserFactory(
        username="liuyang", name="刘洋", department=sales, roles=[Role.SALES_MANAGER]
    )
    sales.head = person
    sales.save(update_fields=["head"])
    return person


@pytest.fixture
def general_manager(db):
    executive = DepartmentFactory(code="executive", name="总经理办公室")
    return UserFactory(
        username="wangjianguo", name="王建国", department=executive, roles=[Role.GENERAL_MANAGER]
    )


@pytest.fixture
def make_user(db, sales):
    def make(role: str, **kwargs):
        kwargs.setdefault("department", sales)
        return UserFactory(roles=[role], **kwargs)

    return make


@pytest.fixture
def unit(db):
    return UnitFactory()


@pytest.fixture
def project(db):
    return ProjectFactory(company=CompanyFactory(), code="jinxiu", name="雪球·锦绣华庭")


@pytest.fixture
def make_customer(project):
    """make_customer(owner=…, name=…, mobile=…, by=…, **fields) registers a customer of
    `project` (a fresh mobile unless one is given); without an owner, `by` or `registrar`
    registers it."""
    counter = iter(range(10_000))

    def make(owner=None, name="张三", mobile=None, by=None, **fields):
        n = next(counter)
        mobile = mobile or f"1391234{n:04d}"
        return services.register_customer(
            by=by or owner or fields.pop("registrar"),
            name=name,
            source=fields.pop("source", Source.WALK_IN),
            phones=[(PhoneKind.MOBILE, mobile)],
            owner=owner,
            project=fields.pop("project", project),
            **fields,
        )

    return make


@pytest.fixture
def customer(make_customer, owner):
    return make_customer(owner=owner, name="张三", mobile="13912345678")


@pytest.fixture
def private_media(settings, tmp_path):
    """Uploads go to a temporary folder of their own, as private as var/private."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": "/nowhere/"},
        },
    }
    return tmp_path


@pytest.fixture
def bank(make_customer, owner):
    """A company archive of §4's special class, owned by `owner`."""
    from archives.models import Category, CustomerKind

    return make_customer(
        owner=owner,
        name="西安银行高新支行",
        kind=CustomerKind.COMPANY,
        category=Category.BANK,
        legal_representative="李明",
        registered_capital=Decimal("5000.00"),
    )


@pytest.fixture
def grant(db):
    """grant(user, customer, level, codename="view_customer", hours=24): an object grant as an
    approved access request leaves it, live for `hours` (negative: already expired)."""
    from django.utils import timezone

    from crm import permissions

    def give(user, customer, level, codename="view_customer", hours=24):
        expires_at = timezone.now() + dt.timedelta(hours=hours)
        return permissions.grant_object_permission(
            user, codename, customer, expires_at=expires_at, level=level
        )

    return give
