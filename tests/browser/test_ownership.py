"""The registration desk in Chinese, on a phone and on a desktop (R-ARC-08): an unnamed
walk-in goes to the consultant on duty; a second consultant registering a known mobile opens
a 撞单 that the sales manager rules."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from archives.models import Customer, Dispute
from archives.ownership import rotation
from crm.roles import Role
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import DepartmentFactory, ProjectFactory, UserFactory


@pytest.fixture
def office(db):
    sales = DepartmentFactory(code="sales", name="销售部")
    project = ProjectFactory(company=sales.company, code="jinxiu", name="雪球·锦绣华庭")
    manager = UserFactory(
        username="liuyang", name="刘洋", department=sales, roles=[Role.SALES_MANAGER]
    )
    zhangwei = UserFactory(
        username="zhangwei", name="张伟", department=sales, roles=[Role.SALES_CONSULTANT]
    )
    lina = UserFactory(
        username="lina", name="李娜", department=sales, roles=[Role.SALES_CONSULTANT]
    )
    UserFactory(username="zhoumin", name="周敏", department=sales, roles=[Role.FRONT_DESK])
    rotation.create_roster(
        project=project, day=timezone.localdate(), by=manager, consultants=[zhangwei, lina]
    )
    return {"project": project, "zhangwei": zhangwei, "lina": lina}


def switch_user(page, login, username, name):
    """Sign in as someone else. The desk's look-up may still be answering, and with the
    session saved on every request its reply would bring the old session cookie back; so
    wait for the page to go quiet before clearing cookies, and check who is signed in."""
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    login(page, username)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"您好，{name}")


def register_walk_in(page, live_server, mobile, name):
    page.goto(f"{live_server.url}/archives/desk/")
    page.get_by_label("手机", exact=True).fill(mobile)
    expect(page.get_by_test_id("lookup-result")).to_contain_text("新客户")
    page.get_by_label("客户姓名").fill(name)
    page.get_by_label("来访", exact=True).check()
    page.get_by_role("button", name="登记", exact=True).click()


@pytest.mark.django_db(transaction=True)
def test_a_walk_in_who_names_nobody_goes_to_the_consultant_on_duty(
    page, login, live_server, shoot, office
):
    """R-ARC-08: the receptionist types the mobile, sees at once it is new and who is on duty,
    registers, and the customer goes to that consultant — on a phone, then on a desktop."""
    page.set_viewport_size(PHONE)
    login(page, "zhoumin")
    page.goto(f"{live_server.url}/archives/desk/")
    page.get_by_label("手机", exact=True).fill("13800001111")
    expect(page.get_by_test_id("lookup-result")).to_contain_text("当班顾问 张伟")
    shoot(page, "ownership-desk-lookup-phone")
    register_walk_in(page, live_server, "13800001111", "王小明")
    expect(page.get_by_role("status")).to_contain_text("归 张伟（新客户由当班顾问接待）")
    shoot(page, "ownership-desk-registered-phone")
    assert Customer.objects.get(name="王小明").owner == office["zhangwei"]

    page.set_viewport_size(DESKTOP)
    register_walk_in(page, live_server, "13800002222", "李小红")
    expect(page.get_by_role("status")).to_contain_text("归 李娜")
    expect(page.get_by_test_id("desk-rotation")).to_contain_text("张伟")
    shoot(page, "ownership-desk-registered-desktop")
    assert Customer.objects.get(name="李小红").owner == office["lina"]


@pytest.mark.django_db(transaction=True)
def test_a_second_consultant_registering_the_same_mobile_opens_a_dispute_the_manager_rules(
    page, login, live_server, shoot, office
):
    """R-ARC-08: 李娜 registers a call from 张伟's customer: the desk shows whose it is (masked),
    a 撞单 opens with both registration times, and the manager's ruling moves the customer."""
    login(page, "zhoumin")
    register_walk_in(page, live_server, "13900001234", "陈晓明")
    expect(page.get_by_role("status")).to_contain_text("张伟")
    switch_user(page, login, "lina", "李娜")
    page.goto(f"{live_server.url}/archives/desk/")
    page.get_by_label("手机", exact=True).fill("13900001234")
    lookup = page.get_by_test_id("lookup-result")
    expect(lookup).to_contain_text("老客户")
    expect(lookup).to_contain_text("张*")
    page.get_by_label("来电", exact=True).check()
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("撞单")
    shoot(page, "ownership-clash-desktop")
    page.set_viewport_size(PHONE)
    switch_user(page, login, "liuyang", "刘洋")
    panel = page.locator("[data-panel='ownership.disputes']")
    panel.get_by_role("link", name="张伟 / 李娜").click()
    expect(page.get_by_test_id("first-time")).to_be_visible()
    expect(page.get_by_test_id("second-time")).to_be_visible()
    page.get_by_label("李娜", exact=True).check()
    page.get_by_label("裁决意见及理由").fill("客户来电明确要求由李娜接待")
    shoot(page, "ownership-ruling-phone")
    page.get_by_role("button", name="记录裁决").click()
    expect(page.get_by_test_id("ruling")).to_contain_text("客户归 李娜")
    expect(page.get_by_test_id("dispute-status")).to_have_text("已裁决")
    shoot(page, "ownership-ruled-phone")
    dispute = Dispute.objects.get()
    assert dispute.winner == office["lina"]
    assert Customer.objects.get(name="陈晓明").owner == office["lina"]


@pytest.mark.django_db(transaction=True)
def test_look_ups_that_overlap_leave_the_desk_working(page, login, live_server, office):
    """R-ARC-08: a receptionist who types fast sends look-ups that overlap; every one is
    answered, the session survives them, and the registration that follows goes through."""
    login(page, "zhoumin")
    page.goto(f"{live_server.url}/archives/desk/")
    statuses = page.evaluate(
        """async () => {
            const form = document.querySelector("form:has(input[name=mobile])");
            const url = form.querySelector("[name=mobile]").getAttribute("hx-post")
                || form.getAttribute("hx-post");
            const sends = Array.from({length: 12}, (_, i) => {
                const data = new FormData(form);
                data.set("mobile", "1380000" + String(1000 + i));
                return fetch(url, {method: "POST", body: data, headers: {"HX-Request": "true"}})
                    .then((response) => response.status);
            });
            return Promise.all(sends);
        }"""
    )
    assert statuses == [200] * 12
    register_walk_in(page, live_server, "13800003333", "赵小刚")
    expect(page.get_by_role("status")).to_contain_text("归 张伟")
    assert Customer.objects.filter(name="赵小刚").count() == 1
