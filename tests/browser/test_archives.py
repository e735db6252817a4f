"""The archive in a real browser, in Chinese, on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from crm.roles import Role
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import CompanyFactory, ProjectFactory, UserFactory

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def consultant(db):
    ProjectFactory(company=CompanyFactory(), code="jinxiu", name="雪球·锦绣华庭")
    return UserFactory(username="zhangwei", name="张伟", roles=[Role.SALES_CONSULTANT])


@pytest.mark.django_db(transaction=True)
def test_consultant_builds_an_archive_and_finds_the_correction_in_its_history(
    page, live_server, login, shoot, consultant, settings, tmp_path
):
    """R-ARC-01, R-ARC-03, R-ARC-06, R-ARC-07 in the browser."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    login(page, "zhangwei")
    menu = page.get_by_role("navigation", name="主菜单")
    menu.get_by_role("link", name="客户", exact=True).click()
    page.get_by_role("link", name="新建档案").click()
    page.get_by_label("客户姓名").fill("曾小明")
    page.get_by_label("手机").fill("13987651234")
    page.get_by_label("来源").select_option("walk_in")
    page.get_by_label("职业").fill("教师")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("曾小明")
    expect(page.get_by_test_id("status")).to_have_text("潜在客户")

    # Two sections of the profile template.
    page.get_by_role("link", name="填写基本信息").click()
    page.get_by_label("籍贯").fill("陕西西安")
    page.get_by_label("教育背景").fill("本科，西北大学")
    page.get_by_role("button", name="保存").click()
    page.locator("#section-family summary").click()
    page.get_by_role("link", name="填写家庭信息").click()
    page.get_by_label("婚姻状况").select_option("married")
    page.get_by_label("家庭中最亲密的人").fill("母亲")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("completeness")).not_to_have_text("0%")

    # A family member with a lunar birthday.
    page.get_by_role("link", name="添加家庭成员").click()
    page.get_by_label("关系").select_option("mother")
    page.get_by_label("姓名").fill("李秀英")
    page.get_by_label("过农历生日").check()
    page.get_by_label("农历月").fill("8")
    page.get_by_label("农历日").fill("15")
    page.get_by_label("工作单位或学校").fill("西安市雁塔区小寨东路第一小学")
    page.get_by_label("兴趣爱好").fill("书法、太极拳、秦腔")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#family")).to_contain_text("农历八月十五")
    # On a phone the family table scrolls inside its card; the page keeps to the screen.
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, "archives-detail-phone")
    page.set_viewport_size(DESKTOP)

    # An ID copy.
    page.get_by_role("link", name="上传").click()
    page.get_by_label("类型").select_option("id_card")
    page.get_by_label("文件").set_input_files(
        files=[{"name": "身份证.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#attachments")).to_contain_text("身份证复印件")

    # A correction with its reason, then the history.
    page.get_by_role("link", name="编辑").first.click()
    page.get_by_label("职业").fill("校长")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".has-error")).to_contain_text("请说明原因")
    page.get_by_label("更正原因").fill("客户已升任校长")
    page.get_by_role("button", name="保存").click()
    shoot(page, "archives-detail-desktop")
    page.get_by_role("link", name="修改记录").click()
    correction = page.get_by_test_id("revision").filter(has_text="客户已升任校长")
    expect(correction).to_contain_text("更正")
    expect(correction.locator("del")).to_have_text("教师")
    expect(correction.locator("ins")).to_have_text("校长")
    shoot(page, "archives-history-desktop")


@pytest.mark.django_db(transaction=True)
def test_the_list_finds_an_archive_by_pinyin_initials_on_a_phone(
    page, live_server, login, shoot, consultant
):
    """R-ARC-15: "zs" finds 张三 — at a phone's size."""
    from archives import services

    for name, mobile in [("张三", "13900000001"), ("李四", "13900000002")]:
        services.register_customer(
            by=consultant,
            owner=consultant,
            name=name,
            source="call",
            phones=[("mobile", mobile)],
        )
    page.set_viewport_size(PHONE)
    login(page, "zhangwei")
    page.goto(f"{live_server.url}/archives/")
    page.get_by_label("搜索").fill("zs")
    page.get_by_role("button", name="搜索").click()
    table = page.get_by_test_id("customer-table")
    expect(table).to_contain_text("张三")
    expect(table).not_to_contain_text("李四")
    shoot(page, "archives-list-phone")
    page.get_by_role("link", name="张三").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("张三")
    shoot(page, "archives-detail-phone")


def test_the_list_is_a_table_with_aligned_columns_on_a_desktop(
    page, live_server, login, consultant
):
    """R-ARC-15: on a desktop the list is a table whose headings stand over their columns
    (the dashboards' card grid once turned it into a grid of scattered cells)."""
    from archives import services

    services.register_customer(
        by=consultant,
        owner=consultant,
        name="张三",
        source="call",
        phones=[("mobile", "13900000001")],
    )
    login(page, "zhangwei")
    page.goto(f"{live_server.url}/archives/")
    table = page.get_by_test_id("customer-table")
    expect(table).to_contain_text("张三")
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    headings = table.locator("thead th")
    cells = table.locator("tbody tr").first.locator("td")
    assert headings.count() == cells.count()
    for index in range(headings.count()):
        heading, cell = headings.nth(index).bounding_box(), cells.nth(index).bounding_box()
        assert abs(heading["x"] - cell["x"]) < 1, (index, heading, cell)
