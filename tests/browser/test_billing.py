"""Gas billing in the browser, in Chinese, on the reader's phone and the cashier's desktop
(R-BIL-02, R-BIL-04, R-BIL-05): a round is read, a bad reading is held, the statement is
issued, signed and printed, the cashier takes a part payment, and the rest goes through the
reminder and the arrears notice."""

import datetime as dt
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

import crm.tasks  # noqa: F401  (the SMS task eager Celery runs)
from archives import services as archive_services
from archives.models import OccupancyRole, PhoneKind, Source
from billing import services
from billing.models import ArrearsNotice, Statement, Tariff, TariffTier, UserType
from crm import workcalendar
from crm.models import SmsMessage
from crm.roles import Role
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import ProjectFactory, UnitFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _resident(name, mobile, project, by):
    unit = UnitFactory(floor__building__project=project)
    customer = archive_services.register_customer(
        by=by,
        name=name,
        source=Source.WALK_IN,
        phones=[(PhoneKind.MOBILE, mobile)],
        project=project,
    )
    archive_services.move_in(
        customer=customer,
        unit=unit,
        role=OccupancyRole.OWNER,
        moved_in=dt.date.today() - dt.timedelta(days=400),
        by=by,
    )
    return customer, unit


def _account(name, mobile, meter, project, reader, finance, cashier, previous):
    customer, unit = _resident(name, mobile, project, reader)
    installed = dt.date.today() - dt.timedelta(days=70)
    account = services.open_account(
        by=finance,
        customer=customer,
        unit=unit,
        user_type=UserType.RESIDENTIAL,
        reader=reader,
        opened_on=installed,
        meter_number=meter,
        meter_model="G2.5",
        installed_on=installed,
        seal_number=f"QF{meter}",
        next_verification_on=installed.replace(year=installed.year + 6),
        initial_value=D("0"),
    )
    earlier = dt.date.today() - dt.timedelta(days=40)
    reading = services.record_reading(
        account=account, by=reader, read_on=earlier, value=D(previous)
    )
    last_month = services.issue_statement(reading=reading, by=reader, issued_on=earlier)
    services.record_payment(
        statement=last_month,
        by=cashier,
        amount=last_month.total_due,
        method="cash",
        received_on=earlier,
    )
    return account


@pytest.fixture
def round_setup(db):
    reader = UserFactory(username="heping", name="何平", roles=[Role.METER_READER])
    cashier = UserFactory(username="gaoyan", name="高燕", roles=[Role.CASHIER])
    finance = UserFactory(username="linxia", name="林霞", roles=[Role.FINANCE])
    tariff = Tariff.objects.create(
        user_type=UserType.RESIDENTIAL, name="居民阶梯气价", valid_from=dt.date(2020, 1, 1)
    )
    for number, (up_to, price) in enumerate([("350", "2.67"), ("500", "3.20"), (None, "4.01")]):
        TariffTier.objects.create(
            tariff=tariff, tier=number + 1, up_to=up_to and D(up_to), price=D(price)
        )
    project = ProjectFactory(name="雪球·锦绣华庭")
    bad = _account("王丽华", "13912340001", "JX-A1", project, reader, finance, cashier, "100")
    good = _account("陈晓明", "13912340002", "JX-B2", project, reader, finance, cashier, "100")
    return {"bad": bad, "good": good}


def at(day: dt.date, hour=10):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI), tick=True)


@pytest.mark.django_db(transaction=True)
def test_a_round_from_reading_to_arrears_notice(page, live_server, login, shoot, round_setup):
    base = live_server.url
    bad, good = round_setup["bad"], round_setup["good"]

    # The reader's round on the phone: one reading is too low and is held.
    page.set_viewport_size(PHONE)
    login(page, "heping")
    page.goto(f"{base}/billing/")
    expect(page.get_by_role("heading", name="抄表路线")).to_be_visible()
    shoot(page, "billing-round-phone")
    page.get_by_test_id(f"stop-{bad.pk}").get_by_role("link", name="抄表").click()
    expect(page.get_by_test_id("previous-reading")).to_contain_text("100.00 m³")
    page.get_by_label("表读数（m³）").fill("90")
    page.get_by_role("button", name="保存读数").click()
    expect(page.get_by_test_id("reading-status")).to_have_text("暂挂待审")
    expect(page.get_by_test_id("hold-reasons")).to_contain_text("低于上次读数 100.00 m³")
    shoot(page, "billing-held-reading-phone")

    # The next reading is fine: the statement is issued on the spot and signed on screen.
    page.goto(f"{base}/billing/round/")
    page.get_by_test_id(f"stop-{good.pk}").get_by_role("link", name="抄表").click()
    page.get_by_label("表读数（m³）").fill("137.5")
    page.get_by_role("button", name="保存读数").click()
    expect(page.get_by_test_id("reading-status")).to_have_text("已确认")
    page.get_by_role("button", name="开具结算单").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("气费结算单 QF-")
    expect(page.get_by_test_id("total-due")).to_have_text("¥100.13")  # 37.5 m³ × 2.67
    page.get_by_role("link", name="客户签字").click()
    canvas = page.get_by_test_id("signature-pad")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 120)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 30 + step * 25, box["y"] + 120 - (step % 3) * 35, steps=3)
    page.mouse.up()
    page.get_by_role("button", name="保存签字").click()
    expect(page.locator(".message.success")).to_contain_text("签字已保存")
    expect(page.locator("img.signature")).to_be_visible()
    shoot(page, "billing-statement-phone")
    page.get_by_role("link", name="打印（A4）").click()
    expect(page.get_by_test_id("statement-sheet")).to_contain_text("气费结算单")
    expect(page.get_by_test_id("statement-sheet")).to_contain_text("陈晓明")
    statement = Statement.objects.filter(account=good).latest("pk")
    assert statement.signature.name.endswith(".png")
    page.set_viewport_size(DESKTOP)
    shoot(page, "billing-statement-print-desktop")

    # The cashier takes a part payment at the service hall.
    page.context.clear_cookies()
    login(page, "gaoyan")
    page.goto(f"{base}/billing/statements/{statement.pk}/")
    page.get_by_role("link", name="收款", exact=True).click()
    page.get_by_label("实收金额（元）").fill("50")
    page.get_by_role("button", name="收款并打印收据").click()
    expect(page.get_by_test_id("receipt-amount")).to_have_text("¥50.00")
    expect(page.get_by_test_id("receipt-outstanding")).to_have_text("¥50.13")
    shoot(page, "billing-receipt-desktop")
    page.goto(f"{base}/billing/statements/{statement.pk}/")
    expect(page.get_by_test_id("statement-status")).to_have_text("部分缴费")

    # Unpaid after the week: the ladder asks the reader to remind the customer …
    statement.refresh_from_db()
    reminder_day = statement.due_on + dt.timedelta(days=1)
    with at(reminder_day):
        services.sweep_ladder()
        page.context.clear_cookies()
        page.set_viewport_size(PHONE)
        login(page, "heping")
        page.goto(f"{base}/billing/statements/{statement.pk}/")
        expect(page.get_by_test_id("ladder-step")).to_have_text("已逾期：待通知")
        page.get_by_label("电话通知").check()
        page.get_by_label("客户答复").fill("客户说下周一来交")
        page.get_by_role("button", name="登记", exact=True).click()
        expect(page.get_by_test_id("ladder-step")).to_have_text("已电话/书面通知")
        shoot(page, "billing-reminder-phone")

    # … and three working days later the arrears notice is issued, sent by SMS and printed.
    with at(workcalendar.add_workdays(reminder_day, 3)):
        services.sweep_ladder()
        notice = ArrearsNotice.objects.get(statement=statement)
        assert notice.amount_due == D("50.13")
        assert SmsMessage.objects.filter(body__contains=notice.number).exists()
        page.context.clear_cookies()
        login(page, "heping")
        page.goto(f"{base}/billing/statements/{statement.pk}/")
        expect(page.get_by_test_id("ladder-step")).to_have_text("已下达催缴通知单")
        page.get_by_role("link", name=f"气费催缴通知单 {notice.number}").click()
        sheet = page.get_by_test_id("notice-sheet")
        expect(sheet).to_contain_text("气费催缴通知单")
        expect(sheet).to_contain_text("¥50.13")
        expect(sheet).to_contain_text("停气")
        shoot(page, "billing-arrears-notice-phone")
        page.set_viewport_size(DESKTOP)
        shoot(page, "billing-arrears-notice-desktop")

        # The statements list: on a desktop the table keeps to the page, its two state tags
        # stacked in their cell; on a phone each statement is a card with its labels.
        page.goto(f"{base}/billing/statements/")
        table = page.get_by_test_id("statement-table")
        expect(table).to_contain_text("已下达催缴通知单")
        fits = "w => w.scrollWidth <= w.clientWidth"
        assert page.locator(".table-wrap").filter(has=table).evaluate(fits)
        page.set_viewport_size(PHONE)
        expect(table.locator("thead")).to_be_hidden()
        amount = table.locator("td[data-label='应缴金额']").first
        expect(amount).to_be_visible()
        assert page.locator(".table-wrap").filter(has=table).evaluate(fits)
        shoot(page, "billing-statement-list-phone")

        # The reader's arrears list on the phone: the statement is a card with its step.
        page.goto(f"{base}/billing/arrears/")
        arrears = page.get_by_test_id("arrears-table")
        expect(arrears).to_contain_text(statement.number)
        expect(arrears.locator("thead")).to_be_hidden()
        expect(arrears.locator("td[data-label='催缴进度']").first).to_have_text("已下达催缴通知单")
        assert page.locator(".table-wrap").filter(has=arrears).evaluate(fits)
