"""Fixtures for repairs tests: the people of §8 (front desk, engineering supervisor,
technicians, finance), a resident in a unit of 锦绣华庭, a public area, the price list."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from archives import services as archive_services
from archives.models import OccupancyRole, PhoneKind, Source
from crm.models import Floor, Unit
from crm.roles import Role
from repairs import services
from repairs.models import DutyShift, OrderKind, Urgency
from tests.factories import (
    BuildingFactory,
    DepartmentFactory,
    FloorFactory,
    UnitFactory,
    UserFactory,
)
from tests.repairs.factories import PriceItemFactory


@pytest.fixture
def home(project):
    building = BuildingFactory(project=project, name="3栋")
    return UnitFactory(floor=FloorFactory(building=building, number=12), number="1201")


@pytest.fixture
def lobby(project):
    building = BuildingFactory(project=project, name="A座")
    floor = Floor.objects.create(building=building, number=1)
    return Unit.objects.create(floor=floor, number="大堂", use="public")


@pytest.fixture
def engineering(db):
    return DepartmentFactory(code="engineering", name="工程部")


@pytest.fixture
def desk(property_department):
    return UserFactory(
        username="zhoumin", name="周敏", department=property_department, roles=[Role.FRONT_DESK]
    )


@pytest.fixture
def supervisor(engineering):
    return UserFactory(
        username="huangtao",
        name="黄涛",
        department=engineering,
        mobile="+8613909180012",
        roles=[Role.ENGINEERING_SUPERVISOR],
    )


@pytest.fixture
def technician(engineering):
    return UserFactory(
        username="majun2", name="马军", department=engineering, roles=[Role.TECHNICIAN]
    )


@pytest.fixture
def other_technician(engineering):
    return UserFactory(
        username="xuliang", name="徐亮", department=engineering, roles=[Role.TECHNICIAN]
    )


@pytest.fixture
def finance(finance_department):
    return UserFactory(
        username="linxia", name="林霞", department=finance_department, roles=[Role.FINANCE]
    )


@pytest.fixture
def on_duty(supervisor):
    now = timezone.now()
    return DutyShift.objects.create(
        person=supervisor,
        starts_at=now - dt.timedelta(hours=4),
        ends_at=now + dt.timedelta(hours=8),
    )


@pytest.fixture
def resident(project, home, owner, desk):
    """王丽华, owned by the consultant 张伟 (`owner`), living in 3栋-1201."""
    customer = archive_services.register_customer(
        by=owner,
        name="王丽华",
        source=Source.WALK_IN,
        phones=[(PhoneKind.MOBILE, "13912345678")],
        owner=owner,
        project=project,
    )
    archive_services.move_in(
        customer=customer,
        unit=home,
        role=OccupancyRole.OWNER,
        moved_in=timezone.localdate() - dt.timedelta(days=30),
        by=desk,
    )
    return customer


@pytest.fixture
def fitting(db):
    return PriceItemFactory(code="SD-02", name_zh="更换水管接头", labour_price=Decimal("30.00"))


@pytest.fixture
def valve(db):
    return PriceItemFactory(
        code="SD-04",
        name_zh="更换角阀",
        labour_price=Decimal("20.00"),
        material_price=Decimal("35.00"),
    )


@pytest.fixture
def make_order(resident, home, desk, fitting):
    def make(*, items=None, by=None, **fields):
        values = {
            "by": by or desk,
            "customer": resident,
            "unit": home,
            "location": home.label,
            "contact_name": resident.name,
            "contact_phone": "+8613912345678",
            "problem": "厨房水管接头漏水",
            "price_items": [fitting] if items is None else items,
        }
        values.update(fields)
        return services.create_order(**values)

    return make


@pytest.fixture
def make_public_order(lobby, desk):
    def make(**fields):
        values = {
            "by": desk,
            "kind": OrderKind.PUBLIC,
            "unit": lobby,
            "location": lobby.label,
            "contact_name": "保安 刘师傅",
            "problem": "大堂电梯门关不上",
        }
        values.update(fields)
        return services.create_order(**values)

    return make


@pytest.fixture
def appointment_order(make_order):
    def make(at):
        return make_order(urgency=Urgency.APPOINTMENT, appointment_at=at)

    return make


def png_signature() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (600, 220), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(40, 150), (200, 60), (380, 170), (560, 80)], fill="black", width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def signature():
    return png_signature()


@pytest.fixture
def on_site(make_order, supervisor, technician):
    """A listed job with the technician on site."""
    order = make_order()
    services.dispatch_order(order=order, by=supervisor, technicians=[technician])
    services.record_arrival(order=order, by=technician)
    return order


@pytest.fixture
def working(on_site, technician):
    services.confirm_lines(order=on_site, by=technician, quantities={})
    services.record_decision(order=on_site, by=technician, agreed=True)
    return on_site


@pytest.fixture
def done(working, technician, signature):
    services.complete_order(
        order=working,
        by=technician,
        work_done="更换接头，试水无渗漏",
        customer_checked=True,
        signature_png=signature,
    )
    return working
