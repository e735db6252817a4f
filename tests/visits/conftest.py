"""Fixtures for visits tests: a customer owned by the shared owner, customer service
staff, and a helper that makes a follow-up directly. Frozen time comes from time_machine."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from crm.roles import Role
from tests.factories import UserFactory
from visits.models import FollowUp

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=9, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def freeze():
    """freeze(2026, 3, 2) — time stands still at 09:00 Shanghai on that day (or given hour)."""
    travellers = []

    def start(*args):
        traveller = time_machine.travel(at(*args), tick=False)
        traveller.start()
        travellers.append(traveller)
        return at(*args)

    yield start
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def customer(make_customer, owner):
    return make_customer(owner=owner, name="王丽华", mobile="13912345678", gender="female")


@pytest.fixture
def service(service_department):
    """A customer-service colleague (客服专员) who heads the customer-service department."""
    person = UserFactory(
        username="wufang",
        name="吴芳",
        department=service_department,
        roles=[Role.CUSTOMER_SERVICE],
    )
    service_department.head = person
    service_department.save(update_fields=["head"])
    return person


@pytest.fixture
def make_follow_up():
    def make(customer, caller, due_on, **fields):
        fields.setdefault("call_on", due_on)
        fields.setdefault("escalate_on", due_on + dt.timedelta(days=3))
        return FollowUp.objects.create(
            customer=customer,
            project=customer.project,
            caller=caller,
            question_zh=fields.pop("question_zh", "了解入住感受"),
            due_on=due_on,
            **fields,
        )

    return make
