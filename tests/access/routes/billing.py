"""URL sweep routes of billing (see tests/access/sweep.py for Public / Staff / Private).

Gas billing is for meter readers, cashiers, finance and the general manager (billing/rules.py):
nobody of the sweep's five — consultants and a sales manager — has any of those roles, so every
billing page answers them 404, the pages without an id included (billing/views/common.py
`require_billing`, as tests/billing/test_views.py expects of strangers). Every route is
therefore Private with `allowed=()`: 404 for all, and a POST changes nothing.

The rows are real ones of 沈秘书 (w.customer), made through the billing services by billing
staff: her gas account in her unit (w.unit) and a shop account at an address, readings (one
with its photo, one held, one not yet billed), statements past their due date (one part paid,
one signed on the reader's phone), a reminder, arrears notices, a suspension request decided
(with its suspension work order) and one waiting for the general manager.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from billing import services
from billing.models import (
    AdjustmentKind,
    ReadingStatus,
    ReminderMethod,
    SuspensionRequest,
    Tariff,
    TariffTier,
    UserType,
)
from crm.roles import Role
from tests.access.conftest import PNG
from tests.access.sweep import Private, Route
from tests.factories import DepartmentFactory, UserFactory
from tests.repairs.conftest import png_signature

ISSUED = dt.date(2025, 2, 5)
NOBODY = ()


def _tariffs() -> None:
    for user_type, price in (
        (UserType.RESIDENTIAL, "2.67"),
        (UserType.PUBLIC_WELFARE, "2.96"),
        (UserType.COMMERCIAL, "3.65"),
    ):
        tariff, created = Tariff.objects.get_or_create(
            user_type=user_type, valid_from=dt.date(2020, 1, 1), defaults={"name": user_type}
        )
        if created:
            TariffTier.objects.create(tariff=tariff, tier=1, up_to=None, price=Decimal(price))


def _account(w, staff, n: int, **place):
    return services.open_account(
        by=staff.finance,
        customer=w.customer,
        user_type=place.pop("user_type", UserType.RESIDENTIAL),
        reader=staff.reader,
        opened_on=dt.date(2025, 1, 5),
        meter_number=f"JX90000{n}",
        meter_model="G2.5 膜式表",
        installed_on=dt.date(2025, 1, 5),
        seal_number=f"QF9000{n}",
        next_verification_on=dt.date(2031, 1, 5),
        **place,
    )


def _overdue_statement(account, staff, photo=None):
    reading = services.record_reading(
        account=account, by=staff.reader, read_on=ISSUED, value=Decimal(100), photo=photo
    )
    return services.issue_statement(reading=reading, by=staff.reader, issued_on=ISSUED)


def _build(w):
    department = DepartmentFactory(code="property", name="物业部")
    finance = DepartmentFactory(code="finance", name="财务部")
    staff = SimpleNamespace(
        reader=UserFactory(name="何平", department=department, roles=[Role.METER_READER]),
        cashier=UserFactory(name="高燕", department=finance, roles=[Role.CASHIER]),
        finance=UserFactory(name="林霞", department=finance, roles=[Role.FINANCE]),
        gm=UserFactory(name="王建国", department=finance, roles=[Role.GENERAL_MANAGER]),
    )
    _tariffs()
    home = _account(w, staff, 1, unit=w.unit)
    shop = _account(w, staff, 2, address="锦绣华庭商业街 S-12", user_type=UserType.COMMERCIAL)
    photo = SimpleUploadedFile("表盘.png", PNG, content_type="image/png")
    photo.detected_type = "image/png"
    statement = _overdue_statement(home, staff, photo)
    waiting = _overdue_statement(shop, staff)
    payment = services.record_payment(
        statement=statement, by=staff.cashier, amount=Decimal(10), method="cash", received_on=ISSUED
    )
    services.sign_statement(
        statement=statement, by=staff.reader, signer_name=w.customer.name, png=png_signature()
    )
    for overdue in (statement, waiting):
        services.record_reminder(
            statement=overdue,
            by=staff.reader,
            method=ReminderMethod.PHONE,
            made_at=dt.datetime(2025, 2, 13, 10, tzinfo=dt.UTC),
        )
    services.sweep_ladder(on=dt.date(2025, 2, 20))
    services.sweep_ladder(on=dt.date(2025, 2, 26))
    order = services.decide_suspension(
        request=SuspensionRequest.objects.get(statement=statement), by=staff.gm, approve=True
    )
    unbilled = services.record_reading(
        account=shop, by=staff.reader, read_on=dt.date(2025, 3, 5), value=Decimal(130)
    )
    held = services.record_reading(
        account=home, by=staff.reader, read_on=dt.date(2025, 3, 5), value=Decimal(20)
    )
    assert held.status == ReadingStatus.HELD and unbilled.status == ReadingStatus.ACCEPTED
    statement.refresh_from_db()
    return SimpleNamespace(
        staff=staff,
        home=home,
        shop=shop,
        photographed=statement.closing_reading,
        held=held,
        unbilled=unbilled,
        statement=statement,
        waiting=waiting,
        payment=payment,
        notice=statement.arrears_notice,
        request=SuspensionRequest.objects.get(statement=waiting),
        order=order,
    )


def gas(w) -> SimpleNamespace:
    """沈秘书's gas accounts and everything on them, made once per sweep chunk."""
    return w.once("billing", lambda: _build(w))


def NO_ID(w) -> dict:
    return {}


def PK(name: str):
    return lambda w: {"pk": getattr(gas(w), name).pk}


def _today() -> str:
    return timezone.localdate().isoformat()


ROUTES: dict[str, Route] = {
    "billing:home": Private(NO_ID, allowed=NOBODY),
    "billing:round": Private(NO_ID, allowed=NOBODY),
    "billing:account_list": Private(NO_ID, allowed=NOBODY),
    "billing:account_new": Private(
        NO_ID,
        allowed=NOBODY,
        data=lambda w: {
            "customer_number": w.customer.number,
            "user_type": UserType.COMMERCIAL,
            "address": "锦绣华庭商业街 S-15",
            "opened_on": _today(),
            "meter_number": "JX900009",
            "meter_model": "G4 膜式表",
            "installed_on": _today(),
            "seal_number": "QF90009",
            "next_verification_on": "2032-01-01",
            "initial_value": "0",
        },
    ),
    "billing:account_detail": Private(PK("home"), allowed=NOBODY),
    "billing:account_edit": Private(
        PK("home"),
        allowed=NOBODY,
        data=lambda w: {"user_type": UserType.COMMERCIAL, "notes": "改作商铺", "reason": "改用途"},
    ),
    "billing:account_close": Private(
        PK("home"), allowed=NOBODY, data=lambda w: {"closed_on": _today(), "reason": "搬离"}
    ),
    "billing:meter_replace": Private(
        PK("home"),
        allowed=NOBODY,
        data=lambda w: {
            "changed_on": _today(),
            "final_value": "160",
            "number": "JX900010",
            "model": "G2.5 膜式表",
            "seal_number": "QF90010",
            "next_verification_on": "2032-01-01",
            "initial_value": "0",
            "reason": "表具到期",
        },
    ),
    "billing:reading_new": Private(
        PK("home"), allowed=NOBODY, data=lambda w: {"read_on": "2025-03-06", "value": "155"}
    ),
    "billing:held_list": Private(NO_ID, allowed=NOBODY),
    "billing:reading_detail": Private(PK("held"), allowed=NOBODY),
    "billing:reading_photo": Private(PK("photographed"), allowed=NOBODY),
    "billing:reading_review": Private(
        PK("held"), allowed=NOBODY, data=lambda w: {"decision": "reject", "note": "请重新抄表"}
    ),
    "billing:statement_issue": Private(PK("unbilled"), allowed=NOBODY),
    "billing:statement_list": Private(NO_ID, allowed=NOBODY),
    "billing:statement_detail": Private(PK("statement"), allowed=NOBODY),
    "billing:statement_print": Private(PK("statement"), allowed=NOBODY),
    "billing:statement_sign": Private(
        PK("waiting"), allowed=NOBODY, data=lambda w: {"signer_name": "沈女士", "on_paper": "on"}
    ),
    "billing:statement_signature": Private(PK("statement"), allowed=NOBODY),
    "billing:statement_receive": Private(PK("waiting"), allowed=NOBODY),
    "billing:payment_new": Private(
        PK("statement"),
        allowed=NOBODY,
        data=lambda w: {"amount": "20", "method": "cash", "received_on": "2025-02-20"},
    ),
    "billing:adjustment_new": Private(
        PK("statement"),
        allowed=NOBODY,
        data=lambda w: {"kind": AdjustmentKind.CREDIT, "amount": "5", "reason": "核实更正"},
    ),
    "billing:reminder_new": Private(
        PK("statement"),
        allowed=NOBODY,
        data=lambda w: {"method": ReminderMethod.WRITTEN, "note": "已贴通知"},
    ),
    "billing:payment_list": Private(NO_ID, allowed=NOBODY),
    "billing:receipt": Private(PK("payment"), allowed=NOBODY),
    "billing:billing_run": Private(NO_ID, allowed=NOBODY),
    "billing:arrears": Private(NO_ID, allowed=NOBODY),
    "billing:notice_print": Private(PK("notice"), allowed=NOBODY),
    "billing:notice_deliver": Private(
        PK("notice"), allowed=NOBODY, data=lambda w: {"delivered_on": _today()}
    ),
    "billing:suspension_list": Private(NO_ID, allowed=NOBODY),
    "billing:suspension_decide": Private(
        PK("request"), allowed=NOBODY, data=lambda w: {"decision": "approve"}
    ),
    "billing:work_order_list": Private(NO_ID, allowed=NOBODY),
    "billing:work_order_detail": Private(PK("order"), allowed=NOBODY),
    "billing:work_order_done": Private(
        PK("order"), allowed=NOBODY, data=lambda w: {"done_on": _today(), "note": "已关阀"}
    ),
    "billing:reports": Private(NO_ID, allowed=NOBODY),
    "billing:reading_report": Private(NO_ID, allowed=NOBODY),
}
