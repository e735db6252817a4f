"""Repairs in the browser, in Chinese, at phone size (375×812): the front desk logs a leaking
pipe, the supervisor dispatches, the technician arrives, corrects an item, the customer signs
on the canvas, and the order prints as four copies (R-REP-01 … R-REP-04)."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

import crm.tasks  # noqa: F401  (registers the SMS task the eager queue runs)
from archives import services as archive_services
from archives.models import OccupancyRole, PhoneKind, Source
from crm.roles import Role
from repairs.models import OrderStatus, PriceItem, WorkOrder
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import BuildingFactory, FloorFactory, ProjectFactory, UnitFactory, UserFactory


def _png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), "white")
    ImageDraw.Draw(image).ellipse([100, 80, 220, 160], fill="steelblue")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _world():
    desk = UserFactory(username="zhoumin", name="周敏", roles=[Role.FRONT_DESK])
    UserFactory(
        username="huangtao",
        name="黄涛",
        mobile="+8613909180012",
        roles=[Role.ENGINEERING_SUPERVISOR],
    )
    UserFactory(username="majun", name="马军", roles=[Role.TECHNICIAN])
    consultant = UserFactory(username="zhangwei", name="张伟", roles=[Role.SALES_CONSULTANT])
    project = ProjectFactory(code="jinxiu", name="雪球·锦绣华庭")
    home = UnitFactory(
        floor=FloorFactory(building=BuildingFactory(project=project, name="3栋"), number=12),
        number="1201",
    )
    customer = archive_services.register_customer(
        by=consultant,
        name="王丽华",
        source=Source.WALK_IN,
        phones=[(PhoneKind.MOBILE, "13912345678")],
        owner=consultant,
        project=project,
    )
    archive_services.move_in(
        customer=customer,
        unit=home,
        role=OccupancyRole.OWNER,
        moved_in=timezone.localdate() - dt.timedelta(days=90),
        by=desk,
    )
    fitting = PriceItem.objects.create(
        code="SD-02",
        name_zh="更换水管接头",
        unit_zh="个",
        labour_price=Decimal("30.00"),
        material_price=Decimal("15.00"),
    )
    valve = PriceItem.objects.create(
        code="SD-04",
        name_zh="更换角阀",
        unit_zh="个",
        labour_price=Decimal("20.00"),
        material_price=Decimal("35.00"),
    )
    return fitting, valve


def _as(page, login, username):
    page.context.clear_cookies()
    login(page, username)


def _sign(page):
    pad = page.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.15, y + h * 0.6)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(x + w * (0.15 + step * 0.03), y + h * (0.6 - 0.25 * ((step % 6) / 5)))
    page.mouse.up()


@pytest.mark.django_db(transaction=True)
def test_a_leaking_pipe_from_call_to_four_printed_copies(page, login, shoot, live_server):
    _fitting, valve = _world()
    page.set_viewport_size(PHONE)

    # The front desk writes the order while the caller is on the line.
    _as(page, login, "zhoumin")
    page.goto(f"{live_server.url}/repairs/new/")
    expect(page.get_by_role("heading", name="维修单", exact=True)).to_be_visible()
    expect(page.get_by_test_id("form-clock")).to_contain_text("填写维修单")
    sent = []
    page.on("request", lambda request: sent.append(request.url))
    page.get_by_label("按单元、姓名或电话查找").fill("1201")
    expect(page.get_by_test_id("tenant-result").first).to_be_visible()
    assert sent and not [url for url in sent if "1201" in url]  # R-ACC-06: POSTed, not in URLs
    page.get_by_test_id("tenant-result").first.click()
    expect(page.get_by_test_id("chosen-tenant")).to_contain_text("王丽华")
    expect(page.get_by_label("联系电话")).to_have_value("13912345678")
    page.get_by_label("报修内容").fill("厨房洗菜盆下水管接头漏水，地面有积水")
    page.get_by_label("收费标准项目").select_option(label="SD-02 更换水管接头 · ¥45.00/个")
    page.get_by_label("照片").set_input_files(
        files=[{"name": "leak.png", "mimeType": "image/png", "buffer": _png()}]
    )
    shoot(page, "repairs-intake-phone")
    page.get_by_role("button", name="保存并通知工程部").click()
    expect(page.get_by_text("已通知工程部")).to_be_visible()
    order = WorkOrder.objects.get()
    assert order.number.startswith("WX-") and order.photos.count() == 1

    # The supervisor dispatches 马军; the on-site clock is running.
    _as(page, login, "huangtao")
    page.goto(f"{live_server.url}{order.get_absolute_url()}")
    expect(page.get_by_test_id("clock-onsite_urgent")).to_contain_text("还剩")
    page.get_by_label("主修人员").select_option(label="马军")
    page.get_by_role("button", name="派工").click()
    expect(page.get_by_test_id("team")).to_contain_text("马军")

    # The technician sees the job on his phone, arrives, corrects an item.
    _as(page, login, "majun")
    page.goto(f"{live_server.url}/repairs/mine/")
    expect(page.get_by_test_id("my-jobs")).to_contain_text(order.number)
    shoot(page, "repairs-technician-jobs-phone")
    page.get_by_role("link", name=order.number).first.click()
    page.get_by_role("button", name="我已到达现场").click()
    page.locator("input[name^=qty_]").fill("0")
    page.get_by_label("增加项目").select_option(value=str(valve.pk))
    page.get_by_label("与报修内容不符之处").fill("实际是角阀老化漏水，接头完好")
    page.get_by_role("button", name="确认项目").click()
    total = page.get_by_test_id("total")
    expect(total).to_have_text("¥55.00")
    # On a phone each item is a card: nothing to scroll sideways to reach the amounts.
    lines = page.get_by_test_id("lines")
    expect(lines.locator("thead")).to_be_hidden()
    assert lines.evaluate(
        "t => t.closest('.table-wrap').scrollWidth <= t.closest('.table-wrap').clientWidth"
    )
    page.get_by_label("同意收费，开始维修").check()
    page.get_by_role("button", name="记录", exact=True).click()

    # The customer checks the work and signs on the technician's phone.
    page.get_by_label("维修情况").fill("更换角阀一个，试水无渗漏")
    page.get_by_label("客户已试用或检查合格").check()
    _sign(page)
    shoot(page, "repairs-signature-phone")
    page.get_by_role("button", name="完工").click()
    expect(page.get_by_test_id("signature-image")).to_be_visible()
    order.refresh_from_db()
    assert order.status == OrderStatus.DONE and order.total_amount == Decimal("55.00")
    assert order.signature.read()[:4] == b"\x89PNG"

    # The order prints as four A4 copies.
    page.get_by_test_id("print-link").click()
    expect(page.get_by_test_id("copy")).to_have_count(4)
    for label in ("第一联", "第二联", "第三联", "第四联"):
        expect(page.get_by_text(label, exact=True)).to_be_visible()
    page.emulate_media(media="print")
    shoot(page, "repairs-print-phone")
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 4  # one A4 page per copy
    page.set_viewport_size(DESKTOP)
    shoot(page, "repairs-print-desktop")
    page.emulate_media(media="screen")


@pytest.mark.django_db(transaction=True)
def test_the_order_page_switches_to_english(page, login, live_server, shoot):
    _world()
    _as(page, login, "zhoumin")
    page.goto(f"{live_server.url}/repairs/new/public/")
    expect(page.get_by_role("heading", name="公共区域维修单")).to_be_visible()
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_role("heading", name="Public-area work order")).to_be_visible()
    page.get_by_label("Location").fill("A座大堂2号电梯")
    page.get_by_label("Reported by").fill("保安 刘师傅")
    page.get_by_label("Problem").fill("电梯门无法关闭")
    page.get_by_role("button", name="Save and notify engineering").click()
    expect(page.get_by_text("Waiting for dispatch")).to_be_visible()
    expect(page.get_by_test_id("clock-public_onsite")).to_contain_text("min left")
    shoot(page, "repairs-public-order-english")
