"""In Chinese, on a phone and at a desk: the front desk records a phone complaint; customer
service takes it through the five clears and closes it with the customer's signature drawn
on screen; closing starts the return visit (R-CMP-01 … R-CMP-05)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from archives import services as archive_services
from archives.models import CustomerEvent, EventKind, OccupancyRole, PhoneKind, Source
from complaints.models import Complaint, Confirmation, Status
from crm.roles import Role
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import DepartmentFactory, ProjectFactory, UnitFactory, UserFactory


def setting_up():
    property_department = DepartmentFactory(code="property", name="物业部")
    service = DepartmentFactory(code="customer_service", name="客服部")
    front_desk = UserFactory(
        username="zhoumin", name="周敏", department=property_department, roles=[Role.FRONT_DESK]
    )
    agent = UserFactory(
        username="wufang", name="吴芳", department=service, roles=[Role.CUSTOMER_SERVICE]
    )
    service.head = agent
    service.save()
    consultant = UserFactory(username="zhangwei", name="张伟", roles=[Role.SALES_CONSULTANT])
    project = ProjectFactory(code="jinxiu", name="雪球·锦绣华庭")
    unit = UnitFactory(number="1201", floor__building__project=project)
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
        unit=unit,
        role=OccupancyRole.OWNER,
        moved_in=dt.date(2025, 5, 1),
        by=front_desk,
    )
    return customer, unit


def draw_signature(page):
    pad = page.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(
            box["x"] + 30 + step * 25, box["y"] + box["height"] * (0.3 + 0.4 * (step % 2))
        )
    page.mouse.up()


def record(page, kind, label, text):
    clear = page.get_by_test_id(f"clear-{kind}")
    clear.get_by_label(label, exact=True).fill(text)
    clear.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id(f"clear-{kind}")).to_contain_text(text)


@pytest.mark.django_db(transaction=True)
def test_front_desk_records_and_customer_service_closes_with_a_signature(
    page, live_server, login, shoot
):
    customer, unit = setting_up()

    # The front desk, on a phone: a phone complaint on one form.
    page.set_viewport_size(PHONE)
    login(page, "zhoumin")
    page.goto(f"{live_server.url}/complaints/new/")
    expect(page.get_by_role("heading", name="登记投诉或建议")).to_be_visible()
    expect(page.get_by_label("电话", exact=True)).to_be_checked()
    page.get_by_label("查找客户").fill("wlh")
    page.get_by_test_id("customer-choices").get_by_text("王丽华").click()
    expect(page.get_by_label("单元")).to_have_value(str(unit.pk))
    page.get_by_label("类别").select_option(label="邻里")
    page.get_by_label("主题").fill("楼上深夜装修噪音扰民")
    page.get_by_label("客户反映内容").fill("楼上连续三晚十点后还在装修，孩子无法休息。")
    shoot(page, "complaints-intake-phone")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_test_id("complaint-status")).to_have_text("待受理")
    expect(page.get_by_role("heading", level=1)).to_contain_text("楼上深夜装修噪音扰民")
    shoot(page, "complaints-recorded-phone")
    complaint = Complaint.objects.get()
    assert complaint.customer == customer and complaint.number.startswith("TS-")

    # Customer service, at a desk: the five clears, then the signature.
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    login(page, "wufang")
    page.get_by_role("link", name="投诉与建议").first.click()
    page.get_by_role("link", name="楼上深夜装修噪音扰民").click()
    record(page, "heard", "记录", "王女士说楼上装修到深夜，孩子第二天考试。")
    expect(page.get_by_test_id("complaint-handler")).to_have_text("吴芳")
    record(page, "asked", "记录", "核实：12楼正在装修，装修许可规定施工时间为8:00–18:00。")
    record(page, "followed", "处理措施", "物业部已上门告知12楼业主遵守施工时间。")
    replied = page.get_by_test_id("clear-replied")
    replied.get_by_label("答复内容").fill("电话告知王女士：已责令停止夜间施工。")
    replied.get_by_label("电话", exact=True).check()
    replied.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("complaint-status")).to_have_text("已答复待记录")

    closing = page.get_by_test_id("clear-recorded")
    closing.get_by_label("处理结果").fill("夜间施工已停止，王女士表示满意。")
    closing.get_by_label("满意", exact=True).check()
    expect(closing.get_by_label("屏幕签名")).to_be_checked()
    draw_signature(page)
    shoot(page, "complaints-signature-desktop")
    closing.get_by_role("button", name="记录并办结").click()
    expect(page.get_by_test_id("complaint-status")).to_have_text("已办结")
    expect(page.get_by_test_id("signature-image")).to_be_visible()
    shoot(page, "complaints-closed-desktop")

    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert list(complaint.steps.values_list("kind", flat=True)) == [
        "heard",
        "asked",
        "followed",
        "replied",
        "recorded",
    ]
    assert Confirmation.objects.get(complaint=complaint).file.read(4) == b"\x89PNG"
    # The return visit starts from this event; the visits app turns it into a follow-up.
    event = CustomerEvent.objects.get(kind=EventKind.COMPLAINT_CLOSED)
    assert event.customer == customer
    assert event.source_key == f"complaints.complaint:{complaint.pk}"

    # R-CMP-05: the consultant who owns the customer finds the return visit on their list.
    page.context.clear_cookies()
    login(page, "zhangwei")
    page.goto(f"{live_server.url}/visits/?scope=mine&when=upcoming")
    expect(page.locator("main")).to_contain_text("王丽华")
    shoot(page, "complaints-return-visit-consultant")


@pytest.mark.django_db(transaction=True)
def test_an_empty_signature_pad_is_refused_in_chinese(page, live_server, login):
    customer, _unit = setting_up()
    from complaints import services
    from crm.models import User
    from tests.complaints.helpers import take_through

    agent = User.objects.get(username="wufang")
    complaint = services.receive_complaint(
        by=agent,
        channel="phone",
        category="fees",
        subject="物业费多收",
        description="多收了车位费",
        customer=customer,
    )
    take_through(complaint, agent)
    page.set_viewport_size(PHONE)
    login(page, "wufang")
    page.goto(f"{live_server.url}{complaint.get_absolute_url()}")
    closing = page.get_by_test_id("clear-recorded")
    closing.get_by_label("处理结果").fill("已冲减")
    closing.get_by_label("满意", exact=True).check()
    closing.get_by_role("button", name="记录并办结").click()
    expect(page.get_by_text("客户尚未签名。").first).to_be_visible()
    assert Complaint.objects.get().status == Status.REPLIED
