"""Archive access in the browser, in Chinese, on a phone and on a desktop (R-ACC-01…04):
a consultant asks for a colleague's archives, the sales manager and the general manager
approve, the consultant opens them, the access log shows it, and after the expiry the archive
answers 404 again."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from archives import services
from archives.models import (
    AccessRequest,
    AccessRequestItem,
    CustomerUserObjectPermission,
    PhoneKind,
    Secrecy,
    Source,
)
from crm.roles import Role
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import DepartmentFactory, ProjectFactory, UserFactory


@pytest.fixture
def office(db):
    sales = DepartmentFactory(code="sales", name="销售部")
    manager = UserFactory(
        username="liuyang", name="刘洋", department=sales, roles=[Role.SALES_MANAGER]
    )
    sales.head = manager
    sales.save()
    owner = UserFactory(
        username="zhangwei", name="张伟", department=sales, roles=[Role.SALES_CONSULTANT]
    )
    UserFactory(username="lina", name="李娜", department=sales, roles=[Role.SALES_CONSULTANT])
    UserFactory(
        username="wangjianguo",
        name="王建国",
        department=DepartmentFactory(code="executive", name="总经理办公室"),
        roles=[Role.GENERAL_MANAGER],
    )
    project = ProjectFactory(code="jinxiu", name="雪球·锦绣华庭")

    def archive(name, mobile, secrecy):
        return services.register_customer(
            by=owner,
            name=name,
            source=Source.WALK_IN,
            phones=[(PhoneKind.MOBILE, mobile)],
            owner=owner,
            project=project,
            secrecy=secrecy,
        )

    return {
        "buyer": archive("王丽华", "13912340001", Secrecy.PUBLIC),
        "bank": archive("西安银行高新支行", "13912340002", Secrecy.CONFIDENTIAL),
    }


def approve_as(page, login, live_server, username, number):
    login(page, username)
    page.goto(f"{live_server.url}/archives/access/?box=decide")
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="批准").click()
    expect(page.get_by_role("status")).to_contain_text("已批准")


@pytest.mark.django_db(transaction=True)
def test_a_consultant_asks_managers_approve_the_log_shows_it_and_it_expires(
    page, login, live_server, shoot, office
):
    bank, buyer = office["bank"], office["buyer"]
    bank_url = f"{live_server.url}/archives/{bank.pk}/"

    # The consultant, on her phone: the colleague's archive is not there for her.
    page.set_viewport_size(PHONE)
    login(page, "lina")
    page.goto(bank_url)
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    page.goto(f"{live_server.url}/archives/access/new/")
    page.get_by_label("档案编号", exact=True).fill(f"{buyer.number} {bank.number}")
    page.get_by_label("原因", exact=True).fill("按揭合作洽谈，需要了解客户的往来情况。")
    page.get_by_label("期限（天）").fill("3")
    shoot(page, "access-request-form-phone")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_test_id("request-status")).to_have_text("待部门负责人审核")
    number = AccessRequest.objects.get().number
    shoot(page, "access-request-filed-phone")
    page.context.clear_cookies()

    # The sales manager, then the general manager (机密), at their desks.
    page.set_viewport_size(DESKTOP)
    approve_as(page, login, live_server, "liuyang", number)
    expect(page.get_by_test_id("request-status")).to_have_text("待总经理审批")
    page.context.clear_cookies()
    approve_as(page, login, live_server, "wangjianguo", number)
    expect(page.get_by_test_id("request-status")).to_have_text("已授权")
    expect(page.get_by_test_id("decision")).to_have_count(2)
    shoot(page, "access-request-granted-desktop")
    page.context.clear_cookies()

    # The consultant opens the archive; the phone stays masked.
    page.set_viewport_size(PHONE)
    login(page, "lina")
    page.goto(bank_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("西安银行高新支行")
    expect(page.locator("#contacts")).to_contain_text("139****0002")
    shoot(page, "access-granted-archive-phone")
    # Her requests on the phone: each a card, nothing to scroll sideways.
    page.goto(f"{live_server.url}/archives/access/")
    table = page.get_by_test_id("request-table")
    expect(table).to_contain_text(number)
    expect(table.locator("thead")).to_be_hidden()
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    page.context.clear_cookies()

    # The manager sees it in the access log.
    page.set_viewport_size(DESKTOP)
    login(page, "liuyang")
    page.goto(f"{live_server.url}/archives/access-log/?number={bank.number}")
    log = page.get_by_test_id("access-log")
    expect(log).to_contain_text("李娜")
    expect(log).to_contain_text(f"档案使用申请 {number}")
    shoot(page, "access-log-desktop")
    page.context.clear_cookies()

    # The period is over (before any sweep ran): the archive answers 404 again.
    past = timezone.now() - dt.timedelta(minutes=1)
    CustomerUserObjectPermission.objects.update(expires_at=past)
    AccessRequestItem.objects.update(expires_at=past)
    page.set_viewport_size(PHONE)
    login(page, "lina")
    response = page.goto(bank_url)
    assert response.status == 404
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    shoot(page, "access-expired-phone")
