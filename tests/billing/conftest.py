"""Fixtures for gas billing tests: the billing staff, a resident in a unit, tariffs, and a
helper that opens an account with its first meter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import billing.tasks  # noqa: F401  (registers the tasks eager Celery runs)
import crm.tasks  # noqa: F401
from archives import services as archive_services
from archives.models import OccupancyRole, PhoneKind, Source
from billing import services
from billing.models import Tariff, TariffTier, UserType
from crm.roles import Role
from tests.factories import (
    UnitFactory,
    UserFactory,
)

D = Decimal


@pytest.fixture(autouse=True)
def national_day_2026(request):
    """The official 2026 arrangement around National Day, as the crm migration seeds it; a
    transactional test elsewhere may have flushed the seeded rows."""
    if request.node.get_closest_marker("django_db") is None and not (
        {"db", "transactional_db"} & set(request.fixturenames)
    ):
        return
    from crm.models import CalendarDay

    days = [(dt.date(2026, 9, 25) + dt.timedelta(days=n), False) for n in range(3)]
    days += [(dt.date(2026, 10, 1) + dt.timedelta(days=n), False) for n in range(7)]
    days += [(dt.date(2026, 10, 10), True)]
    for day, is_workday in days:
        CalendarDay.objects.get_or_create(
            date=day, defaults={"is_workday": is_workday, "name": "国庆节"}
        )


@pytest.fixture
def reader(property_department):
    return UserFactory(
        username="heping", name="何平", department=property_department, roles=[Role.METER_READER]
    )


@pytest.fixture
def cashier(finance_department):
    return UserFactory(
        username="gaoyan", name="高燕", department=finance_department, roles=[Role.CASHIER]
    )


@pytest.fixture
def finance(finance_department):
    return UserFactory(
        username="linxia", name="林霞", department=finance_department, roles=[Role.FINANCE]
    )


@pytest.fixture
def make_resident(project, reader):
    counter = iter(range(10_000))

    def make(name="王丽华", unit=None, mobile=None, moved_in=dt.date(2025, 1, 1)):
        n = next(counter)
        unit = unit or UnitFactory(floor__building__project=project)
        customer = archive_services.register_customer(
            by=reader,
            name=name,
            source=Source.WALK_IN,
            phones=[(PhoneKind.MOBILE, mobile or f"1391234{n:04d}")],
            project=project,
        )
        archive_services.move_in(
            customer=customer, unit=unit, role=OccupancyRole.OWNER, moved_in=moved_in, by=reader
        )
        return customer, unit

    return make


def tariff(user_type, valid_from, tiers, valid_to=None, name=""):
    row = Tariff.objects.create(
        user_type=user_type,
        name=name or f"{user_type} {valid_from}",
        valid_from=valid_from,
        valid_to=valid_to,
    )
    for number, (up_to, price) in enumerate(tiers, start=1):
        TariffTier.objects.create(
            tariff=row, tier=number, up_to=None if up_to is None else D(up_to), price=D(price)
        )
    return row


@pytest.fixture
def tariffs(db):
    """居民 2.67 / 3.20 / 4.01 at 350 and 500 m³ a year; 公福 2.96; 商业 3.65."""
    return {
        UserType.RESIDENTIAL: tariff(
            UserType.RESIDENTIAL,
            dt.date(2020, 1, 1),
            [("350", "2.67"), ("500", "3.20"), (None, "4.01")],
        ),
        UserType.PUBLIC_WELFARE: tariff(
            UserType.PUBLIC_WELFARE, dt.date(2020, 1, 1), [(None, "2.96")]
        ),
        UserType.COMMERCIAL: tariff(UserType.COMMERCIAL, dt.date(2020, 1, 1), [(None, "3.65")]),
    }


@pytest.fixture
def make_account(make_resident, finance, reader):
    counter = iter(range(10_000))

    def make(
        user_type=UserType.RESIDENTIAL,
        installed_on=dt.date(2025, 1, 5),
        initial="0.00",
        name="王丽华",
        unit=None,
        reader_user=None,
    ):
        n = next(counter)
        customer, unit = make_resident(name=name, unit=unit)
        return services.open_account(
            by=finance,
            customer=customer,
            unit=unit,
            user_type=user_type,
            reader=reader_user or reader,
            opened_on=installed_on,
            meter_number=f"JX{n:06d}",
            meter_model="G2.5 膜式表",
            installed_on=installed_on,
            seal_number=f"QF{n:05d}",
            next_verification_on=installed_on.replace(year=installed_on.year + 6),
            initial_value=D(initial),
        )

    return make


@pytest.fixture
def account(make_account, tariffs):
    return make_account()
