"""URL sweep routes of repairs (see tests/access/sweep.py for Public / Staff / Private).

Who of the sweep's five may see what, by repairs/rules.py: front desk, the engineering
supervisor, finance and technicians work the orders; the sales side reads the orders of the
customers whose archive it may open — the owner and the department's sales manager open
沈秘书's (机密) orders, her photos and signature (200), and get 403 on every step (reading is
all sales may do). The colleague and the outsider get 404 on all of it. The desks (list,
intake, tenant lookup, returns, charges, report, price list) are for repairs roles only: a
consultant gets 403 there, as tests/repairs/test_views.py expects.

The orders are real ones of 沈秘书 in her unit (w.customer, w.unit), written by a front desk and
taken through the services to the state each step needs, so that a step the door let through
would change them.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from crm.roles import Role
from repairs import services
from repairs.models import MaterialResult, PaymentMethod, Urgency
from tests.access.conftest import PNG
from tests.access.sweep import Private, Route, Staff
from tests.factories import DepartmentFactory, UserFactory
from tests.repairs.conftest import png_signature
from tests.repairs.factories import PriceItemFactory


class _Photo(SimpleUploadedFile):
    """A photo the test client can send with every request of the sweep: read from the start
    each time (a plain upload is empty once the first request has read it)."""

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


def _photo(name: str = "漏水.png") -> _Photo:
    photo = _Photo(name, PNG, content_type="image/png")
    photo.detected_type = "image/png"
    return photo


def _staff(w):
    """The people of §8 the orders need: a front desk, the supervisor, a technician."""

    def make():
        engineering = DepartmentFactory(code="engineering", name="工程部")
        return SimpleNamespace(
            desk=UserFactory(
                name="周敏",
                department=DepartmentFactory(code="property", name="物业部"),
                roles=[Role.FRONT_DESK],
            ),
            supervisor=UserFactory(
                name="黄涛",
                department=engineering,
                roles=[Role.ENGINEERING_SUPERVISOR],
            ),
            technician=UserFactory(name="马军", department=engineering, roles=[Role.TECHNICIAN]),
            item=PriceItemFactory(code="SD-02", name_zh="更换水管接头"),
        )

    return w.once("repairs.staff", make)


def _write(w, *, listed: bool):
    """沈秘书's call: a listed job (waiting for dispatch) or an unlisted one (for a quote)."""
    staff = _staff(w)
    return services.create_order(
        by=staff.desk,
        customer=w.customer,
        unit=w.unit,
        location=w.unit.label,
        contact_name=w.customer.name,
        contact_phone="+8613900009999",
        problem="厨房水管接头漏水" if listed else "卫生间墙面渗水，原因不明",
        price_items=[staff.item] if listed else [],
        photos=[_photo()],
    )


def _consent(order, staff):
    services.record_quote(
        order=order,
        by=staff.supervisor,
        feasible=True,
        note="需开墙查漏",
        lines=[
            {
                "name": "开墙查漏",
                "unit": "项",
                "quantity": Decimal(1),
                "labour_price": Decimal("80.00"),
                "material_price": Decimal(0),
            }
        ],
    )


def _assigned(order, staff):
    services.dispatch_order(order=order, by=staff.supervisor, technicians=[staff.technician])


def _on_site(order, staff):
    _assigned(order, staff)
    services.record_arrival(order=order, by=staff.technician)


def _confirmed(order, staff):
    _on_site(order, staff)
    services.confirm_lines(order=order, by=staff.technician, quantities={})


def _working(order, staff):
    _confirmed(order, staff)
    services.record_decision(order=order, by=staff.technician, agreed=True)


def _refused(order, staff):
    _confirmed(order, staff)
    services.record_decision(order=order, by=staff.technician, agreed=False, reason="嫌贵")


def _done(order, staff):
    _working(order, staff)
    services.complete_order(
        order=order,
        by=staff.technician,
        work_done="更换接头，试水无渗漏",
        customer_checked=True,
        signature_png=png_signature(),
    )


STAGES = {
    "dispatch": (True, None),
    "quote": (False, None),
    "consent": (False, _consent),
    "assigned": (True, _assigned),
    "on_site": (True, _on_site),
    "confirmed": (True, _confirmed),
    "working": (True, _working),
    "refused": (True, _refused),
    "done": (True, _done),
}


def order(w, stage: str = "dispatch"):
    """One order of 沈秘书's in `stage`, shared by the routes that need that stage."""

    def make():
        listed, advance = STAGES[stage]
        made = _write(w, listed=listed)
        if advance:
            advance(made, _staff(w))
        made.refresh_from_db()
        return made

    return w.once(f"repairs.order.{stage}", make)


def ORDER(stage: str = "dispatch"):
    return lambda w: {"pk": order(w, stage).pk}


def _photo_of(w):
    made = order(w)
    return {"pk": made.pk, "photo_pk": made.photos.get().pk}


def _now() -> str:
    return timezone.localtime().strftime("%Y-%m-%d %H:%M")


def _intake(w) -> dict:
    """A new order for 沈秘书 (a GET sends it as the query string, which a page may echo: so
    the contact is not her archived name and number)."""
    return {
        "received_at": _now(),
        "customer": w.customer.pk,
        "unit": w.unit.pk,
        "location": w.unit.label,
        "contact_name": "沈女士",
        "contact_phone": "13700001111",
        "problem": "阳台地漏堵塞",
        "urgency": Urgency.ASAP,
    }


def _price_item(w) -> dict:
    return {
        "code": "SD-99",
        "name_zh": "疏通地漏",
        "name_en": "Clear a floor drain",
        "unit_zh": "处",
        "unit_en": "each",
        "labour_price": "40.00",
        "material_price": "0.00",
        "category": "plumbing",
        "is_active": "on",
        "sort_order": "1",
        "reason": "新增收费项目",
    }


SALES_READERS = ("owner", "manager")

ROUTES: dict[str, Route] = {
    # The desks: repairs roles only (a consultant gets 403, see the module docstring).
    "repairs:order_list": Staff(),
    "repairs:order_create": Staff(data=_intake),
    "repairs:public_order_create": Staff(
        data=lambda w: {
            "received_at": _now(),
            "location": "3栋大堂",
            "contact_name": "保安 刘师傅",
            "problem": "大堂电梯门关不上",
        }
    ),
    "repairs:tenant_search": Staff(),
    "repairs:tenant_pick": Staff(),
    "repairs:my_jobs": Staff(),
    "repairs:returns": Staff(data=lambda w: {"order": order(w, "done").pk}),
    "repairs:charges": Staff(),
    "repairs:charges_send": Staff(),
    "repairs:charges_export": Staff(),
    "repairs:report": Staff(),
    "repairs:price_list": Staff(),
    "repairs:price_create": Staff(data=_price_item),
    "repairs:price_edit": Staff(lambda w: {"pk": _staff(w).item.pk}, data=_price_item),
    "repairs:price_history": Staff(lambda w: {"pk": _staff(w).item.pk}),
    # One order of 沈秘书's: her owner reads it, nobody else of the sweep sees it.
    "repairs:order_detail": Private(ORDER(), allowed=SALES_READERS),
    "repairs:order_print": Private(ORDER(), allowed=SALES_READERS),
    "repairs:order_signature": Private(ORDER("done"), allowed=SALES_READERS),
    "repairs:photo_download": Private(_photo_of, allowed=SALES_READERS),
    "repairs:photos": Private(ORDER(), allowed=SALES_READERS, data=lambda w: {"photos": _photo()}),
    "repairs:quote": Private(
        ORDER("quote"),
        allowed=SALES_READERS,
        data=lambda w: {
            "feasible": "yes",
            "note": "需开墙查漏",
            "name_0": "开墙查漏",
            "unit_0": "项",
            "quantity_0": "1",
            "labour_0": "80.00",
            "material_0": "0",
        },
    ),
    "repairs:consent": Private(
        ORDER("consent"),
        allowed=SALES_READERS,
        data=lambda w: {"agreed": "yes", "note": "电话确认"},
    ),
    "repairs:dispatch": Private(
        ORDER(), allowed=SALES_READERS, data=lambda w: {"lead": _staff(w).technician.pk}
    ),
    "repairs:take": Private(ORDER(), allowed=SALES_READERS),
    "repairs:arrive": Private(ORDER("assigned"), allowed=SALES_READERS),
    "repairs:items": Private(
        ORDER("on_site"),
        allowed=SALES_READERS,
        data=lambda w: {
            **{f"qty_{line.pk}": "2" for line in order(w, "on_site").lines.all()},
            "note": "两个接头都坏了",
        },
    ),
    "repairs:decision": Private(
        ORDER("confirmed"), allowed=SALES_READERS, data=lambda w: {"agreed": "no", "reason": "嫌贵"}
    ),
    "repairs:material": Private(
        ORDER("on_site"),
        allowed=SALES_READERS,
        data=lambda w: {"material": "业主自购角阀", "result": MaterialResult.PASSED},
    ),
    "repairs:complete": Private(
        ORDER("working"),
        allowed=SALES_READERS,
        data=lambda w: {
            "work_done": "更换接头，试水无渗漏",
            "customer_checked": "on",
            "signed_on_paper": "on",
        },
    ),
    "repairs:cosign": Private(
        ORDER("refused"), allowed=SALES_READERS, data=lambda w: {"note": "已与客户沟通"}
    ),
    "repairs:cancel": Private(
        ORDER(), allowed=SALES_READERS, data=lambda w: {"reason": "客户取消"}
    ),
    "repairs:payment": Private(
        ORDER("done"),
        allowed=SALES_READERS,
        data=lambda w: {
            "amount": "45.00",
            "paid_on": timezone.localdate().isoformat(),
            "method": PaymentMethod.CASH,
        },
    ),
}
