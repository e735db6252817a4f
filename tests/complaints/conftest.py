"""Fixtures for complaint tests: the people of the permission matrix, a resident in a unit
owned by the `owner` consultant, and a maker of complaints taken at the front desk."""

import datetime as dt

import pytest

import complaints.tasks  # noqa: F401  (eager Celery finds tasks by name only once imported)
import crm.tasks  # noqa: F401
from archives import services as archive_services
from archives.models import OccupancyRole
from complaints import services
from complaints.models import Category, Channel
from crm.roles import Role
from tests.factories import DepartmentFactory, UserFactory


@pytest.fixture
def front_desk(property_department):
    return UserFactory(
        username="zhoumin", name="周敏", department=property_department, roles=[Role.FRONT_DESK]
    )


@pytest.fixture
def service_head(service_department):
    person = UserFactory(
        username="wufang",
        name="吴芳",
        department=service_department,
        roles=[Role.CUSTOMER_SERVICE],
        mobile="+8613909180010",
    )
    service_department.head = person
    service_department.save(update_fields=["head"])
    return person


@pytest.fixture
def service_agent(service_department, service_head):
    return UserFactory(
        username="zhengqiang",
        name="郑强",
        department=service_department,
        roles=[Role.CUSTOMER_SERVICE],
    )


@pytest.fixture
def finance(db):
    """The department complaints are routed to in these tests (not the outsider's)."""
    return DepartmentFactory(code="finance", name="财务部")


@pytest.fixture
def finance_head(finance):
    person = UserFactory(
        username="linxia",
        name="林霞",
        department=finance,
        roles=[Role.FINANCE],
        mobile="+8613909180020",
    )
    finance.head = person
    finance.save(update_fields=["head"])
    return person


@pytest.fixture
def cashier(finance, finance_head):
    return UserFactory(username="gaoyan", name="高燕", department=finance, roles=[Role.CASHIER])


@pytest.fixture
def gm(general_manager):
    general_manager.mobile = "+8613909180001"
    general_manager.save(update_fields=["mobile"])
    return general_manager


@pytest.fixture
def resident(make_customer, owner, unit, front_desk):
    """王丽华, owned by the consultant `owner`, living in `unit`."""
    customer = make_customer(owner=owner, name="王丽华", mobile="13912345678")
    archive_services.move_in(
        customer=customer,
        unit=unit,
        role=OccupancyRole.OWNER,
        moved_in=dt.date(2025, 5, 1),
        by=front_desk,
    )
    return customer


@pytest.fixture
def make_complaint(front_desk, resident):
    def make(**fields):
        fields.setdefault("by", front_desk)
        fields.setdefault("channel", Channel.PHONE)
        fields.setdefault("category", Category.FEES)
        fields.setdefault("subject", "物业费账单多收了车位管理费")
        fields.setdefault("description", "没有车位却被收了车位管理费。")
        if "customer" not in fields and "caller_name" not in fields:
            fields["customer"] = resident
        return services.receive_complaint(**fields)

    return make


@pytest.fixture
def replied(make_complaint, service_agent):
    """A complaint heard, asked, followed and replied: ready to close."""
    from tests.complaints.helpers import take_through

    complaint = make_complaint()
    take_through(complaint, service_agent, until="replied")
    complaint.refresh_from_db()
    return complaint
