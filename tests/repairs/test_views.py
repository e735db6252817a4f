"""The screens: who may see and do what (a permission matrix where a denied write changes
nothing), query counts that do not grow with rows, the four-copy print, the whole order
walked through the browser forms, dashboards, timelines, the report and the export."""

import base64
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.roles import Role
from repairs import charges, services
from repairs.models import OrderStatus, Payment, WorkOrder
from repairs.templatetags.repairs_tags import rmb_upper
from tests import searching
from tests.factories import DepartmentFactory, UserFactory
from tests.repairs.conftest import png_signature
from tests.repairs.factories import PriceItemFactory


@pytest.fixture
def meter_reader(db):
    return UserFactory(username="heping", name="何平", roles=[Role.METER_READER])


@pytest.fixture
def other_manager(db):
    """The sales manager of another sales department."""
    department = DepartmentFactory(code="sales2", name="销售二部")
    return UserFactory(
        username="zhoujie", name="周杰", department=department, roles=[Role.SALES_MANAGER]
    )


@pytest.fixture
def assigned(make_order, supervisor, technician):
    order = make_order()
    services.dispatch_order(order=order, by=supervisor, technicians=[technician])
    return order


def _snapshot(order):
    fresh = WorkOrder.objects.get(pk=order.pk)
    return (fresh.status, fresh.history.count(), fresh.clocks.filter(state="running").count())


# who: (GET the order, POST cancel)
CANCEL_MATRIX = {
    "desk": (200, 302),
    "supervisor": (200, 302),
    "technician": (200, 403),
    "finance": (200, 403),
    "general_manager": (200, 403),
    "owner": (200, 403),  # the customer's sales owner reads, never writes
    "manager": (200, 403),  # so does the sales manager of the owner's department
    "other_manager": (404, 404),  # not another department's
    "other_technician": (404, 404),
    "colleague": (404, 404),
    "meter_reader": (404, 404),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "expected"), CANCEL_MATRIX.items())
def test_permission_matrix_for_an_order(client, request, assigned, who, expected):
    """Front desk, supervisor and finance see every order; technicians theirs; the sales side
    reads the orders of the archives it may open; strangers get 404; a denied write changes
    nothing."""
    client.force_login(request.getfixturevalue(who))
    view, write = expected
    assert client.get(assigned.get_absolute_url()).status_code == view
    before = _snapshot(assigned)
    response = client.post(reverse("repairs:cancel", args=[assigned.pk]), {"reason": "客户取消"})
    assert response.status_code == write
    if write != 302:
        assert _snapshot(assigned) == before
    else:
        assert WorkOrder.objects.get(pk=assigned.pk).status == OrderStatus.CLOSED


PAYMENT_MATRIX = {
    "finance": 302,
    "desk": 403,
    "supervisor": 403,
    "technician": 403,
    "general_manager": 403,
    "owner": 403,
    "colleague": 404,
    "admin_user": 403,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "expected"), PAYMENT_MATRIX.items())
def test_only_finance_records_a_payment_through_the_screen(client, request, done, who, expected):
    """R-REP-04: charges are collected only by finance."""
    client.force_login(request.getfixturevalue(who))
    data = {
        "amount": "45.00",
        "paid_on": timezone.localdate().isoformat(),
        "method": "management_fee",
    }
    response = client.post(reverse("repairs:payment", args=[done.pk]), data)
    assert response.status_code == expected
    assert Payment.objects.count() == (1 if expected == 302 else 0)


@pytest.mark.django_db
def test_the_technician_sees_the_open_queue_and_takes_a_job(client, make_order, technician):
    order = make_order()
    client.force_login(technician)
    html = client.get(reverse("repairs:my_jobs")).content.decode()
    assert order.number in html
    response = client.post(reverse("repairs:take", args=[order.pk]))
    assert response.status_code == 302
    assert WorkOrder.objects.get(pk=order.pk).status == OrderStatus.ASSIGNED


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("repairs:order_list", "supervisor"),
        ("repairs:my_jobs", "technician"),
        ("repairs:returns", "supervisor"),
        ("repairs:charges", "finance"),
    ],
)
def test_list_query_counts_are_the_same_for_1_and_20_orders(
    client, request, make_order, supervisor, technician, signature, url, who
):
    def add_done_order():
        order = make_order()
        services.dispatch_order(order=order, by=supervisor, technicians=[technician])
        services.record_arrival(order=order, by=technician)
        services.confirm_lines(order=order, by=technician, quantities={})
        services.record_decision(order=order, by=technician, agreed=True)
        services.complete_order(
            order=order,
            by=technician,
            work_done="好",
            customer_checked=True,
            signature_png=signature,
        )
        if url == "repairs:charges":
            services.confirm_return(orders=[order], by=supervisor)

    def add_open_order():
        order = make_order()
        services.dispatch_order(order=order, by=supervisor, technicians=[technician])

    add = add_done_order if url in ("repairs:returns", "repairs:charges") else add_open_order
    client.force_login(request.getfixturevalue(who))
    add()
    one = _count(client, reverse(url))
    for _ in range(19):
        add()
    assert _count(client, reverse(url)) == one


@pytest.mark.django_db
def test_price_list_query_count_does_not_grow(client, technician):
    PriceItemFactory()
    client.force_login(technician)
    one = _count(client, reverse("repairs:price_list"))
    for _ in range(19):
        PriceItemFactory()
    assert _count(client, reverse("repairs:price_list")) == one


@pytest.mark.django_db
def test_the_order_prints_as_four_copies_one_per_page(client, done, desk):
    """R-REP-04: customer / engineering / finance / front desk, each labelled, company header."""
    client.force_login(desk)
    html = client.get(reverse("repairs:order_print", args=[done.pk])).content.decode()
    assert html.count('data-testid="copy"') == 4
    for label in ("第一联", "第二联", "第三联", "第四联"):
        assert label in html
    assert "客户联（缴费依据）" in html and "财务部联" in html
    assert html.count('class="print-header"') == 4 and done.number in html
    assert "肆拾伍元整" in html  # the amount in capitals
    assert reverse("repairs:order_signature", args=[done.pk]) in html


@pytest.mark.django_db
def test_a_public_area_order_prints_for_front_desk_and_engineering(client, make_public_order, desk):
    order = make_public_order()
    client.force_login(desk)
    html = client.get(reverse("repairs:order_print", args=[order.pk])).content.decode()
    assert html.count('data-testid="copy"') == 2 and "工程部签收联" in html


@pytest.mark.django_db
def test_the_signature_is_served_through_the_door(client, done, desk, colleague):
    url = reverse("repairs:order_signature", args=[done.pk])
    client.force_login(desk)
    response = client.get(url)
    assert (
        response["Content-Type"] == "image/png" and "sandbox" in response["Content-Security-Policy"]
    )
    client.force_login(colleague)
    assert client.get(url).status_code == 404


def _data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(png_signature()).decode()


@pytest.mark.django_db
def test_an_unlisted_job_walks_through_every_screen(
    client, make_order, desk, supervisor, technician, finance, valve
):
    """R-REP-01 … R-REP-04 through the forms: quote, consent, dispatch, arrival, a corrected
    item, the customer's agreement, a checked material, signature, return, finance, payment."""
    order = make_order(items=[])
    pk = order.pk

    def post(user, name, data):
        client.force_login(user)
        response = client.post(reverse(f"repairs:{name}", args=[pk]), data)
        assert response.status_code == 302, response.content.decode()[:2000]

    post(
        supervisor,
        "quote",
        {
            "feasible": "yes",
            "note": "可修补",
            "name_0": "石膏线修补",
            "unit_0": "米",
            "quantity_0": "2",
            "labour_0": "80",
            "material_0": "20",
        },
    )
    post(desk, "consent", {"agreed": "yes", "note": "电话确认，业主本人同意"})
    post(supervisor, "dispatch", {"lead": technician.pk})
    post(technician, "arrive", {})
    line = WorkOrder.objects.get(pk=pk).lines.get()
    post(
        technician,
        "items",
        {
            f"qty_{line.pk}": "1.5",
            "add_item": valve.pk,
            "add_quantity": "1",
            "note": "实际开裂1.5米，另需换角阀",
        },
    )
    post(technician, "decision", {"agreed": "yes"})
    post(
        technician,
        "material",
        {"material": "客户自购石膏线", "result": "poor", "advice": "已提醒客户易开裂"},
    )
    post(
        technician,
        "complete",
        {"work_done": "已修补并刷漆", "customer_checked": "on", "signature": _data_url()},
    )
    client.force_login(supervisor)
    assert client.post(reverse("repairs:returns"), {"order": [pk]}).status_code == 302
    client.force_login(desk)
    assert client.post(reverse("repairs:charges_send")).status_code == 302
    order = WorkOrder.objects.get(pk=pk)
    assert order.total_amount == Decimal("205.00")  # 1.5 × 100 + 55
    post(
        finance,
        "payment",
        {
            "amount": "205.00",
            "paid_on": timezone.localdate().isoformat(),
            "method": "management_fee",
        },
    )
    order = WorkOrder.objects.get(pk=pk)
    assert order.is_paid and order.finance_batch and order.signed_off_by == supervisor
    assert order.signature and order.material_checks.get().get_result_display() == "质量不佳"


@pytest.mark.django_db
def test_a_refusal_without_reason_is_shown_next_to_the_field(client, on_site, technician):
    services.confirm_lines(order=on_site, by=technician, quantities={})
    client.force_login(technician)
    response = client.post(reverse("repairs:decision", args=[on_site.pk]), {"agreed": "no"})
    assert response.status_code == 200
    assert "请填写客户不同意的原因" in response.content.decode()
    assert WorkOrder.objects.get(pk=on_site.pk).status == OrderStatus.ON_SITE


@pytest.mark.django_db
def test_an_empty_signature_pad_is_explained(client, working, technician):
    client.force_login(technician)
    response = client.post(
        reverse("repairs:complete", args=[working.pk]),
        {"work_done": "好", "customer_checked": "on", "signature": ""},
    )
    assert "请客户在屏幕上签名" in response.content.decode()
    assert WorkOrder.objects.get(pk=working.pk).status == OrderStatus.WORKING


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "panel"),
    [
        ("desk", "repairs.frontdesk"),
        ("supervisor", "repairs.supervisor"),
        ("technician", "repairs.technician"),
        ("finance", "repairs.finance"),
    ],
)
def test_each_role_has_its_repairs_panel(client, request, assigned, who, panel):
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("crm:dashboard")).content.decode()
    assert f'data-panel="{panel}"' in html


@pytest.mark.django_db
def test_the_supervisor_panel_shows_the_queue_with_its_clock(client, make_order, supervisor):
    order = make_order()
    client.force_login(supervisor)
    html = client.get(reverse("crm:dashboard")).content.decode()
    assert order.number in html and 'class="clock ok"' in html and "data-deadline" in html


@pytest.mark.django_db
def test_repairs_appear_on_the_customers_and_the_units_timeline(client, done, owner, desk, home):
    """R-ARC-14: the repair is in the customer's file and the unit's file."""
    client.force_login(owner)
    html = client.get(done.customer.get_absolute_url()).content.decode()
    assert done.number in html and done.get_absolute_url() in html
    client.force_login(desk)
    html = client.get(reverse("archives:unit_file", args=[home.pk])).content.decode()
    assert done.number in html


@pytest.mark.django_db
def test_the_breach_report_draws_its_charts_on_the_server(client, make_order, supervisor):
    """R-REP-06: breaches per technician, type and month, as SVG."""
    make_order()
    client.force_login(supervisor)
    html = client.get(reverse("repairs:report")).content.decode()
    for chart in ("chart-month", "chart-kind", "chart-person"):
        assert f'data-testid="{chart}"' in html
    assert "<svg" in html and "style=" not in html.split("<main")[1]
    assert "0 / 0 (0%)" in html  # each type of limit: broken / measured (share broken)


@pytest.mark.django_db
def test_the_monthly_list_exports_to_excel(client, done, supervisor, desk, finance):
    from openpyxl import load_workbook

    services.confirm_return(orders=[done], by=supervisor)
    charges.send_to_finance(by=desk)
    client.force_login(finance)
    response = client.get(reverse("repairs:charges_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "单号" and rows[1][0] == done.number and rows[1][5] == 45


@pytest.mark.django_db
def test_the_supervisor_edits_the_price_list_and_technicians_only_read_it(
    client, supervisor, technician, fitting
):
    client.force_login(technician)
    assert client.get(reverse("repairs:price_list")).status_code == 200
    assert client.get(reverse("repairs:price_edit", args=[fitting.pk])).status_code == 403
    client.force_login(supervisor)
    data = {
        "code": "SD-02",
        "name_zh": "更换水管接头",
        "unit_zh": "个",
        "labour_price": "32.00",
        "material_price": "15.00",
        "sort_order": "0",
        "is_active": "on",
    }
    response = client.post(reverse("repairs:price_edit", args=[fitting.pk]), data)
    assert "改价须填写原因" in response.content.decode()
    response = client.post(
        reverse("repairs:price_edit", args=[fitting.pk]), {**data, "reason": "材料上涨"}
    )
    assert response.status_code == 302
    html = client.get(reverse("repairs:price_history", args=[fitting.pk])).content.decode()
    assert "材料上涨" in html and "黄涛" in html


@pytest.mark.django_db
def test_the_order_page_shows_running_clocks_live(client, make_order, desk):
    order = make_order()
    client.force_login(desk)
    html = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="clock-onsite_urgent"' in html and "data-left-label" in html
    assert "还剩" in html


@pytest.mark.django_db
def test_the_order_list_search_keeps_names_out_of_every_url(
    client, make_order, make_public_order, supervisor, monkeypatch
):
    """R-ACC-06: the words are POSTed and kept in the session; the redirect keeps the filters
    and a token, the next page is still the search's."""
    monkeypatch.setattr("repairs.views.orders.PAGE_SIZE", 1)
    first, second = make_order(), make_order()
    lobby = make_public_order()
    client.force_login(supervisor)
    url = reverse("repairs:order_list")
    words = ["王丽华"]
    data = {"q": "王丽华", "status": "open", "kind": ""}
    location, html = searching.search(client, url, data, words)
    assert "status=open" in location and lobby.number not in html
    on_first_page = first.number in html
    assert on_first_page != (second.number in html)
    html = client.get(searching.next_page(html, url)).content.decode()
    assert (first.number in html) != on_first_page and lobby.number not in html
    for link in searching.urls_in(html):
        searching.assert_no_words(link, words)


@pytest.mark.django_db
def test_the_total_in_words_reads_in_each_language(client, done, desk):
    """The capital-figure total (大写) keeps Chinese punctuation in Chinese and English
    punctuation in English; the figures themselves are Chinese in both."""
    client.force_login(desk)
    words = rmb_upper(done.total_amount)
    html = client.get(done.get_absolute_url()).content.decode()
    assert f"（大写：{words}）" in html
    client.cookies["django_language"] = "en"
    html = client.get(done.get_absolute_url()).content.decode()
    assert f"(in words: {words})" in html and "（" not in html
