"""The unit picker in Chromium: a consultant finds the unit by typing — on a phone with the
keyboard, on a desktop with the mouse — and, without JavaScript, with the Find button."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from archives import services as archive_services
from archives.models import PhoneKind, Source
from crm.roles import Role
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import BuildingFactory, FloorFactory, ProjectFactory, UnitFactory, UserFactory


@pytest.fixture
def archive(db):
    """张伟's archive of 曾小明, and 锦绣华庭 with 3栋-1201, 3栋-1202 and 13栋-1201."""
    consultant = UserFactory(username="zhangwei", name="张伟", roles=[Role.SALES_CONSULTANT])
    jinxiu = ProjectFactory(name="雪球·锦绣华庭")
    three = FloorFactory(building=BuildingFactory(project=jinxiu, name="3栋"), number=12)
    thirteen = FloorFactory(building=BuildingFactory(project=jinxiu, name="13栋"), number=12)
    UnitFactory(floor=three, number="1201")
    UnitFactory(floor=three, number="1202")
    UnitFactory(floor=thirteen, number="1201")
    return archive_services.register_customer(
        by=consultant,
        name="曾小明",
        source=Source.WALK_IN,
        phones=[(PhoneKind.MOBILE, "13987651234")],
        owner=consultant,
        project=jinxiu,
    )


def _fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_a_unit_is_picked_by_typing_on_a_phone_and_on_a_desktop(
    page, live_server, login, shoot, archive
):
    login(page, "zhangwei")

    # On the phone, keyboard only: type, Enter looks up (it does not submit), ↓ and space pick.
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("archives:move_in", args=[archive.pk]))
    expect(page.locator("[data-unit-picker-find]")).to_have_count(0)
    box = page.get_by_label("单元", exact=True)
    box.press_sequentially("3-120", delay=30)
    expect(page.get_by_test_id("unit-choice")).to_have_count(2)  # 3栋's, not 13栋's
    box.press_sequentially("1", delay=30)
    box.press("Enter")
    choices = page.get_by_test_id("unit-choice")
    expect(choices).to_have_count(1)
    expect(choices).to_contain_text("雪球·锦绣华庭 3栋-1201")
    assert page.url.endswith(reverse("archives:move_in", args=[archive.pk]))
    box.press("ArrowDown")
    page.keyboard.press("Space")
    expect(choices.get_by_role("radio")).to_be_checked()
    assert _fits_the_screen(page)
    shoot(page, "unit-picker-phone")
    page.get_by_label("身份").select_option("owner")
    page.get_by_label("入住日期").fill("2026-01-05")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("入住已登记。")).to_be_visible()
    expect(page.get_by_text("雪球·锦绣华庭 3栋-1201").first).to_be_visible()

    # On the desktop, the mouse: the project's name and the number, then a click.
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + reverse("archives:deal_add", args=[archive.pk]))
    page.get_by_label("单元", exact=True).press_sequentially("锦绣华庭 1201", delay=20)
    expect(page.get_by_test_id("unit-choice")).to_have_count(2)
    page.get_by_text("雪球·锦绣华庭 13栋-1201").click()
    page.get_by_label("签约日期").fill("2026-02-01")
    page.get_by_label("金额（元）").fill("1880000")
    shoot(page, "unit-picker-desktop")
    page.get_by_label("金额（元）").press("Enter")  # Enter elsewhere saves the form again
    expect(page.get_by_text("成交已登记。")).to_be_visible()
    assert archive.deals.get().unit.label == "雪球·锦绣华庭 13栋-1201"


@pytest.mark.django_db(transaction=True)
def test_without_javascript_find_brings_the_units_to_pick_from(
    browser, live_server, login, shoot, archive
):
    context = browser.new_context(
        java_script_enabled=False, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE
    )
    page = context.new_page()
    login(page, "zhangwei")
    page.goto(live_server.url + reverse("archives:move_in", args=[archive.pk]))
    page.get_by_label("身份").select_option("tenant")
    page.get_by_label("入住日期").fill("2026-03-01")
    page.get_by_label("单元", exact=True).fill("1201")
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_text("请从“1201”找到的单元中选取一个。")).to_be_visible()
    expect(page.get_by_test_id("unit-choice")).to_have_count(2)
    page.get_by_text("雪球·锦绣华庭 3栋-1201").click()
    assert _fits_the_screen(page)
    shoot(page, "unit-picker-no-js")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("入住已登记。")).to_be_visible()
    assert archive.occupancies.get().unit.label == "雪球·锦绣华庭 3栋-1201"
    context.close()
