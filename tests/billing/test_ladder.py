"""The arrears ladder (R-BIL-05) with frozen time across the National Day holiday of 2026."""

import datetime as dt
import threading
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections

from archives import timeline
from billing import services
from billing.models import (
    AccountStatus,
    ArrearsNotice,
    GasWorkOrder,
    LadderStep,
    PaymentMethod,
    ReminderMethod,
    Statement,
    StatementStatus,
    SuspensionRequest,
    SuspensionStatus,
    WorkOrderKind,
    WorkOrderStatus,
)
from crm.models import SmsMessage

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI), tick=False)


def sweep(day: dt.date) -> dict:
    with at(day, 6):
        return services.sweep_ladder()


@pytest.fixture
def statement(make_account, tariffs, reader):
    """¥267.00 issued Tuesday 22 September 2026, due Tuesday 29 September."""
    with at(dt.date(2026, 9, 22)):
        account = make_account(installed_on=dt.date(2026, 8, 21))
        reading = services.record_reading(
            account=account, by=reader, read_on=dt.date(2026, 9, 21), value=D("100")
        )
        statement = services.issue_statement(reading=reading, by=reader)
    assert statement.due_on == dt.date(2026, 9, 29)
    return statement


def step(statement) -> str:
    statement.refresh_from_db()
    return statement.ladder_step


def remind(statement, reader, day: dt.date):
    with at(day, 15):
        return services.record_reminder(
            statement=statement, by=reader, method=ReminderMethod.PHONE, note="客户说国庆后来交"
        )


@pytest.mark.django_db
def test_the_ladder_runs_to_suspension_and_reconnection_across_national_day(
    statement, reader, cashier, general_manager, sms_outbox, django_capture_on_commit_callbacks
):
    """R-BIL-05: due 29 Sep → overdue 30 Sep → phone notice 30 Sep → three working days, the
    holiday skipped (8, 9 and the make-up Saturday 10 Oct) → arrears notice and SMS on 10 Oct →
    pay by 14 Oct → suspension request 15 Oct → approved → stopped → paid → reconnected."""
    assert sweep(dt.date(2026, 9, 29))["overdue"] == 0
    assert step(statement) == LadderStep.CURRENT
    assert sweep(dt.date(2026, 9, 30))["overdue"] == 1
    assert step(statement) == LadderStep.OVERDUE
    assert reader.notifications.filter(url=statement.get_absolute_url()).exists()

    reminder = remind(statement, reader, dt.date(2026, 9, 30))
    assert (reminder.made_by, reminder.method) == (reader, ReminderMethod.PHONE)
    assert step(statement) == LadderStep.NOTIFIED
    assert statement.notified_on == dt.date(2026, 9, 30)

    for day in (dt.date(2026, 10, 1), dt.date(2026, 10, 7), dt.date(2026, 10, 9)):
        assert sweep(day)["arrears_notice"] == 0, day
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(dt.date(2026, 10, 10))["arrears_notice"] == 1
    notice = ArrearsNotice.objects.select_related("sms").get(statement=statement)
    assert notice.number.startswith("CJ-2026-")
    assert (notice.issued_on, notice.pay_by) == (dt.date(2026, 10, 10), dt.date(2026, 10, 14))
    assert notice.amount_due == D("267.00")
    assert notice.filled_by == reader
    assert notice.sms.status == "sent"
    assert "CJ-2026-" in sms_outbox[0][1] and "停气" in sms_outbox[0][1]

    assert sweep(dt.date(2026, 10, 14))["suspension_requested"] == 0
    assert sweep(dt.date(2026, 10, 15))["suspension_requested"] == 1
    request = SuspensionRequest.objects.get(statement=statement)
    assert request.status == SuspensionStatus.PENDING
    assert general_manager.notifications.filter(url__contains="suspensions").exists()
    titles = [e.title for e in timeline.for_customer(statement.account.customer, general_manager)]
    assert any(notice.number in title for title in titles)
    assert any("申请停气" in title or "Suspension" in title for title in titles)

    with at(dt.date(2026, 10, 15), 11):
        order = services.decide_suspension(request=request, by=general_manager, approve=True)
    assert order.number.startswith("TQ-") and order.kind == WorkOrderKind.SUSPEND
    assert order.planned_on == dt.date(2026, 10, 16)
    with at(dt.date(2026, 10, 16), 9):
        services.complete_work_order(
            order=order, by=reader, done_on=dt.date(2026, 10, 16), meter_value=D("101.30")
        )
    statement.account.refresh_from_db()
    assert statement.account.status == AccountStatus.SUSPENDED
    assert step(statement) == LadderStep.SUSPENDED

    with at(dt.date(2026, 10, 19), 9):
        services.record_payment(
            statement=statement, by=cashier, amount=D("267.00"), method=PaymentMethod.CASH
        )
    reconnect = GasWorkOrder.objects.get(kind=WorkOrderKind.RECONNECT)
    assert reconnect.status == WorkOrderStatus.OPEN and reconnect.planned_on == dt.date(
        2026, 10, 19
    )
    with at(dt.date(2026, 10, 19), 15):
        services.complete_work_order(order=reconnect, by=reader, done_on=dt.date(2026, 10, 19))
    statement.account.refresh_from_db()
    assert statement.account.status == AccountStatus.ACTIVE
    assert sweep(dt.date(2026, 10, 20)) == {
        "overdue": 0,
        "arrears_notice": 0,
        "suspension_requested": 0,
    }


@pytest.mark.django_db
def test_each_step_happens_once_however_often_the_sweep_runs(statement, reader):
    """R-BIL-05: safe to run twice: one overdue notice, one arrears notice, one SMS."""
    sweep(dt.date(2026, 9, 30))
    sweep(dt.date(2026, 9, 30))
    remind(statement, reader, dt.date(2026, 9, 30))
    for _ in range(3):
        sweep(dt.date(2026, 10, 10))
    assert ArrearsNotice.objects.count() == 1
    assert SmsMessage.objects.count() == 1
    assert reader.notifications.filter(url=statement.get_absolute_url()).count() == 1
    remind(statement, reader, dt.date(2026, 10, 12))  # a second call does not restart the clock
    assert step(statement) == LadderStep.ARREARS_NOTICE


@pytest.mark.django_db
def test_a_payment_between_two_sweep_steps_stops_the_ladder(statement, reader, cashier):
    """R-BIL-05: paid after the phone notice → no arrears notice, no SMS, no suspension."""
    sweep(dt.date(2026, 9, 30))
    remind(statement, reader, dt.date(2026, 9, 30))
    with at(dt.date(2026, 10, 9), 16):
        services.record_payment(
            statement=statement,
            by=cashier,
            amount=D("267.00"),
            method=PaymentMethod.ALIPAY,
            reference="2026100922001",
        )
    assert sweep(dt.date(2026, 10, 10))["arrears_notice"] == 0
    assert sweep(dt.date(2026, 10, 20))["suspension_requested"] == 0
    assert not ArrearsNotice.objects.exists()
    assert not SmsMessage.objects.exists()
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAID


@pytest.mark.django_db
def test_a_part_payment_does_not_stop_the_ladder(statement, reader, cashier):
    """R-BIL-04/05: ¥100 of ¥267 paid; the arrears notice asks for the remaining ¥167."""
    sweep(dt.date(2026, 9, 30))
    remind(statement, reader, dt.date(2026, 9, 30))
    with at(dt.date(2026, 10, 8), 10):
        services.record_payment(
            statement=statement, by=cashier, amount=D("100"), method=PaymentMethod.CASH
        )
    sweep(dt.date(2026, 10, 10))
    assert ArrearsNotice.objects.get().amount_due == D("167.00")


@pytest.mark.django_db
def test_paying_while_the_suspension_waits_withdraws_it(
    statement, reader, cashier, general_manager
):
    """R-BIL-05: the general manager never decides on an account that paid meanwhile."""
    sweep(dt.date(2026, 9, 30))
    remind(statement, reader, dt.date(2026, 9, 30))
    sweep(dt.date(2026, 10, 10))
    sweep(dt.date(2026, 10, 15))
    request = SuspensionRequest.objects.get()
    with at(dt.date(2026, 10, 15), 14):
        services.record_payment(
            statement=statement, by=cashier, amount=D("267"), method=PaymentMethod.CARD
        )
    request.refresh_from_db()
    assert request.status == SuspensionStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        services.decide_suspension(request=request, by=general_manager, approve=True)
    assert not GasWorkOrder.objects.exists()


@pytest.mark.django_db
def test_paying_after_approval_cancels_the_suspension_order(
    statement, reader, cashier, general_manager
):
    sweep(dt.date(2026, 9, 30))
    remind(statement, reader, dt.date(2026, 9, 30))
    sweep(dt.date(2026, 10, 10))
    sweep(dt.date(2026, 10, 15))
    with at(dt.date(2026, 10, 15), 11):
        order = services.decide_suspension(
            request=SuspensionRequest.objects.get(), by=general_manager, approve=True
        )
        services.record_payment(
            statement=statement, by=cashier, amount=D("267"), method=PaymentMethod.CASH
        )
    order.refresh_from_db()
    assert order.status == WorkOrderStatus.CANCELLED
    statement.account.refresh_from_db()
    assert statement.account.status == AccountStatus.ACTIVE


@pytest.mark.django_db
def test_rejecting_a_suspension_needs_a_reason(statement, reader, general_manager):
    sweep(dt.date(2026, 9, 30))
    remind(statement, reader, dt.date(2026, 9, 30))
    sweep(dt.date(2026, 10, 10))
    sweep(dt.date(2026, 10, 15))
    request = SuspensionRequest.objects.get()
    with pytest.raises(ValidationError):
        services.decide_suspension(request=request, by=general_manager, approve=False)
    services.decide_suspension(
        request=request, by=general_manager, approve=False, note="医院用气，改为上门协商"
    )
    request.refresh_from_db()
    assert request.status == SuspensionStatus.REJECTED
    assert not GasWorkOrder.objects.exists()


@pytest.mark.django_db
def test_a_reminder_before_the_due_date_is_refused(statement, reader):
    with pytest.raises(ValidationError):
        remind(statement, reader, dt.date(2026, 9, 29))
    assert step(statement) == LadderStep.CURRENT


@pytest.mark.django_db
def test_the_ladder_waits_for_the_readers_notice(statement):
    """No arrears notice without the phone or written notice first (§7 7–8)."""
    sweep(dt.date(2026, 9, 30))
    assert sweep(dt.date(2026, 10, 30))["arrears_notice"] == 0
    assert step(statement) == LadderStep.OVERDUE


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_issue_one_arrears_notice(statement, reader):
    """R-BIL-05 on PostgreSQL: concurrent sweeps share rows (SKIP LOCKED) and claim each once."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs this on PostgreSQL)")
    sweep(dt.date(2026, 9, 30))
    remind(statement, reader, dt.date(2026, 9, 30))
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            sweep(dt.date(2026, 10, 10))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ArrearsNotice.objects.count() == 1
    assert Statement.objects.get().ladder_step == LadderStep.ARREARS_NOTICE


@pytest.mark.django_db
def test_a_second_overdue_statement_waits_for_the_first_decision(
    statement, reader, general_manager
):
    """R-BIL-05: one suspension decision per account at a time; once the supply is stopped,
    a later unpaid statement is simply marked as suspended too."""
    with at(dt.date(2026, 10, 21)):
        later = services.issue_statement(
            reading=services.record_reading(
                account=statement.account,
                by=reader,
                read_on=dt.date(2026, 10, 21),
                value=D("130"),
            ),
            by=reader,
        )
    sweep(dt.date(2026, 9, 30))
    remind(statement, reader, dt.date(2026, 9, 30))
    sweep(dt.date(2026, 10, 10))
    sweep(dt.date(2026, 10, 15))
    sweep(dt.date(2026, 10, 29))
    remind(later, reader, dt.date(2026, 10, 29))
    sweep(dt.date(2026, 11, 3))
    for day in (dt.date(2026, 11, 9), dt.date(2026, 11, 10)):
        sweep(day)
    assert SuspensionRequest.objects.count() == 1
    assert step(later) == LadderStep.ARREARS_NOTICE  # waits: the first request is pending
    with at(dt.date(2026, 11, 10), 11):
        order = services.decide_suspension(
            request=SuspensionRequest.objects.get(), by=general_manager, approve=True
        )
        services.complete_work_order(order=order, by=reader, done_on=dt.date(2026, 11, 10))
    sweep(dt.date(2026, 11, 11))
    assert step(later) == LadderStep.SUSPENDED
    assert SuspensionRequest.objects.count() == 1
