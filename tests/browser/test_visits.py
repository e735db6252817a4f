"""A consultant opens the dashboard, sees a follow-up due today, records the result in one
tap, and the next step of the plan appears — in Chinese, on a phone and on a desktop."""

import datetime as dt
import re
from decimal import Decimal
from importlib import import_module
from urllib.parse import unquote

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from archives import services
from archives.models import PhoneKind, Source
from crm.roles import Role
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import DepartmentFactory, ProjectFactory, UserFactory


def _buyer(name, mobile, owner, project, days_ago):
    customer = services.register_customer(
        by=owner,
        name=name,
        source=Source.WALK_IN,
        phones=[(PhoneKind.MOBILE, mobile)],
        owner=owner,
        project=project,
        gender="female",
    )
    services.record_deal(
        customer=customer,
        by=owner,
        amount=Decimal("1380000.00"),
        signed_on=timezone.localdate() - dt.timedelta(days=days_ago),
    )
    return customer


@pytest.fixture
def consultant(db):
    """zhangwei, a consultant, and 吴芳 in customer service. Transactional tests empty the
    database between tests, so the default follow-up plans are seeded again here (the data
    migration's own code, which creates only what is missing)."""
    from django.apps import apps

    import_module("visits.migrations.0002_seed_plans_templates_questionnaire").seed(apps, None)
    sales = DepartmentFactory(code="sales", name="销售部")
    service = DepartmentFactory(code="customer_service", name="客服部")
    UserFactory(username="wufang", name="吴芳", department=service, roles=[Role.CUSTOMER_SERVICE])
    return UserFactory(
        username="zhangwei", name="张伟", department=sales, roles=[Role.SALES_CONSULTANT]
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_consultant_records_todays_call_and_sees_the_next_step(
    page, login, shoot, consultant, viewport
):
    """R-VIS-07, R-VIS-03: today's calls on opening the app; one tap records the result and
    the plan's next step appears in its place."""
    project = ProjectFactory(code="jinxiu", name="雪球·锦绣华庭")
    _buyer("王丽华", "13912345678", consultant, project, days_ago=3)
    page.set_viewport_size(PHONE if viewport == "phone" else DESKTOP)
    login(page, "zhangwei")

    panel = page.locator('[data-panel="visits.today"]')
    expect(panel.get_by_role("heading", name="今日回访")).to_be_visible()
    card = panel.get_by_test_id("call").filter(has_text="王丽华")
    expect(card).to_contain_text("致电感谢购买")
    expect(card).to_contain_text("今日到期")
    expect(card.get_by_role("link", name="☎ 13912345678")).to_be_visible()
    shoot(page, f"visits-today-{viewport}")

    card.locator("label.star", has_text="5").click()
    card.get_by_placeholder("客户反馈").fill("网签已完成，按揭审批中")
    card.get_by_role("button", name="已接通").click()

    done = panel.get_by_test_id("call-done")
    expect(done).to_contain_text("已接通")
    expect(done).to_contain_text("满意度 5/5")
    expect(done.get_by_test_id("next-step")).to_contain_text("客服专员第一次回访")
    expect(done.get_by_test_id("next-step")).to_contain_text("吴芳")
    shoot(page, f"visits-next-step-{viewport}")

    page.reload()
    expect(panel.get_by_test_id("no-calls")).to_have_text("今天没有待办回访，干得好！")


@pytest.mark.django_db(transaction=True)
def test_a_call_not_reached_goes_back_on_tomorrows_list(page, login, shoot, consultant):
    project = ProjectFactory(code="jinxiu", name="雪球·锦绣华庭")
    _buyer("周杰", "13912340001", consultant, project, days_ago=3)
    page.set_viewport_size(PHONE)
    login(page, "zhangwei")
    card = page.get_by_test_id("call").filter(has_text="周杰")
    card.get_by_role("button", name="未接通").click()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    expect(page.get_by_test_id("call-done")).to_contain_text(f"将于{tomorrow}重新列入待办")
    shoot(page, "visits-not-reached-phone")


@pytest.mark.django_db(transaction=True)
def test_the_call_list_finds_a_customer_without_the_name_in_any_url(
    page, login, consultant, live_server
):
    """R-ACC-06: a filter that submits itself (data-autosubmit) POSTs the form with its CSRF
    token; the name typed stays out of every URL the browser requests."""
    project = ProjectFactory(code="jinxiu", name="雪球·锦绣华庭")
    _buyer("王丽华", "13912345678", consultant, project, days_ago=3)
    _buyer("周杰", "13912340001", consultant, project, days_ago=3)
    page.set_viewport_size(DESKTOP)
    login(page, "zhangwei")
    sent = []
    page.on("request", lambda request: sent.append(unquote(request.url)))
    page.goto(f"{live_server.url}/visits/?when=overdue")
    page.locator("input[name=q]").fill("王丽华")
    page.locator("select[name=when]").select_option("today")
    expect(page).to_have_url(re.compile(r"[?&]when=today"))
    expect(page).to_have_url(re.compile(r"[?&]s="))
    main = page.locator("main")
    expect(main.get_by_test_id("call")).to_have_count(1)
    expect(main.get_by_test_id("call")).to_contain_text("王丽华")
    expect(page.locator("input[name=q]")).to_have_value("王丽华")
    assert sent and not [url for url in sent if "王丽华" in url]
