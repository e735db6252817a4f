"""Every role logs in in Chinese, sees its dashboard, and can switch to English."""

import pytest
from playwright.sync_api import expect

from crm.roles import Role
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import UnitFactory, UserFactory

ROLE_LABELS_ZH = {
    Role.SALES_CONSULTANT: "置业顾问",
    Role.SALES_MANAGER: "销售经理",
    Role.GENERAL_MANAGER: "总经理",
    Role.ARCHIVE_KEEPER: "档案管理员",
    Role.FRONT_DESK: "前台接待员",
    Role.ENGINEERING_SUPERVISOR: "工程部主管",
    Role.TECHNICIAN: "维修人员",
    Role.CUSTOMER_SERVICE: "客服专员",
    Role.METER_READER: "抄表员",
    Role.CASHIER: "收费员",
    Role.FINANCE: "财务",
}


@pytest.mark.django_db(transaction=True)
def test_each_role_sees_its_dashboard_in_chinese_on_phone_and_desktop(page, login, shoot):
    UnitFactory()
    for index, (role, label) in enumerate(ROLE_LABELS_ZH.items()):
        UserFactory(username=f"role{index}", name=f"测试{label}", roles=[role])
        page.set_viewport_size(DESKTOP)
        login(page, f"role{index}")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"您好，测试{label}")
        expect(page.get_by_test_id("roles")).to_contain_text(label)
        expect(page.get_by_role("heading", name="通知")).to_be_visible()
        shoot(page, f"dashboard-{role}-desktop")
        page.set_viewport_size(PHONE)
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        shoot(page, f"dashboard-{role}-phone")
        page.context.clear_cookies()


@pytest.mark.django_db(transaction=True)
def test_switching_to_english_and_back(page, login, shoot):
    UserFactory(username="zhangwei", name="张伟", roles=[Role.SALES_CONSULTANT])
    login(page, "zhangwei")
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, 张伟")
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
    shoot(page, "dashboard-english-desktop")
    page.set_viewport_size(PHONE)
    shoot(page, "dashboard-english-phone")
    page.get_by_test_id("lang-zh").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("您好，张伟")


@pytest.mark.django_db(transaction=True)
def test_phone_menu_opens_from_the_button(page, login):
    UserFactory(username="zhoumin", name="周敏", roles=[Role.FRONT_DESK])
    page.set_viewport_size(PHONE)
    login(page, "zhoumin")
    menu_link = page.get_by_role("navigation", name="主菜单").get_by_role(
        "link", name="物业", exact=True
    )
    expect(menu_link).to_be_hidden()
    page.get_by_label("菜单", exact=True).click()
    expect(menu_link).to_be_visible()
    menu_link.click()
    expect(page.get_by_role("heading", name="项目")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_long_menu_wraps_beside_the_brand_on_a_desktop(page, login, shoot):
    """The general manager's twenty-odd entries wrap inside the menu, between the brand and
    the tools: the bell stays on the first row and the header keeps to two rows."""
    UserFactory(username="wangjianguo", name="王建国", roles=[Role.GENERAL_MANAGER])
    page.set_viewport_size(DESKTOP)
    login(page, "wangjianguo")
    menu = page.get_by_role("navigation", name="主菜单")
    first = menu.get_by_role("link").first.bounding_box()
    last = menu.get_by_role("link").last.bounding_box()
    assert last["y"] > first["y"]  # the menu does wrap …
    bell = page.get_by_title("通知").bounding_box()
    assert bell["y"] < first["y"] + first["height"]  # … but the bell is on its first row
    assert page.locator("header.topbar").bounding_box()["height"] < 100
    shoot(page, "menu-general-manager-desktop")
