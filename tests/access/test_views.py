"""The screens of archive access: filing and deciding requests, the access log, revealing
personal data (R-ACC-02, R-ACC-04, R-ACC-06)."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from archives import services
from archives.models import AccessAction, AccessLog, AccessRequest, RequestStatus
from crm.roles import Role
from tests.factories import UserFactory


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_a_consultant_files_a_request_and_the_manager_approves_it(
    customer, colleague, manager, client
):
    """R-ACC-02 in the browser's terms: form → SQ number → decision → the archive opens."""
    client.force_login(colleague)
    assert client.get(customer.get_absolute_url()).status_code == 404
    new = reverse("archives:access_request_new")
    form = client.get(f"{new}?numbers={customer.number}").content.decode()
    assert customer.number in form and "申请查阅档案" in form
    response = client.post(
        new,
        {
            "numbers": customer.number,
            "reason": "客户来电咨询",
            "scope": "view",
            "days": 5,
            "level": "public",
        },
    )
    request = AccessRequest.objects.get()
    assert response.url == reverse("archives:access_request_detail", args=[request.pk])
    detail = client.get(response.url).content.decode()
    assert "待部门负责人审核" in detail and "张三" not in detail  # no name before approval
    client.force_login(manager)
    client.post(
        reverse("archives:access_request_decide", args=[request.pk]), {"decision": "approve"}
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.GRANTED
    client.force_login(colleague)
    assert client.get(customer.get_absolute_url()).status_code == 200
    log = AccessLog.objects.get(action=AccessAction.VIEW)
    assert log.basis == f"档案使用申请 {request.number}"


@pytest.mark.django_db
def test_bad_requests_are_explained_next_to_the_field_and_nothing_is_saved(
    customer, colleague, client, settings
):
    settings.ARCHIVE_ACCESS_MAX_DAYS = 30
    client.force_login(colleague)
    page = client.post(
        reverse("archives:access_request_new"),
        {
            "numbers": "KH-2026-999999, 张三",
            "reason": "",
            "scope": "view",
            "days": 90,
            "level": "public",
        },
    ).content.decode()
    assert "不是档案编号" in page
    assert "此字段是必填项" in page or "这个字段是必填项" in page
    page = client.post(
        reverse("archives:access_request_new"),
        {
            "numbers": customer.number,
            "reason": "回访",
            "scope": "view",
            "days": 90,
            "level": "public",
        },
    ).content.decode()
    assert "期限为 1 至 30 天" in page
    assert not AccessRequest.objects.exists()


@pytest.mark.django_db
def test_a_refusal_without_a_reason_is_refused(
    customer, colleague, manager, client, request_access
):
    request = request_access(colleague, customer)
    client.force_login(manager)
    url = reverse("archives:access_request_decide", args=[request.pk])
    page = client.post(url, {"decision": "refuse"}, follow=True).content.decode()
    assert "请填写拒绝理由" in page
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING_HEAD


@pytest.mark.django_db
def test_the_request_list_costs_the_same_queries_for_1_and_20_requests(
    make_customer, manager, client, sales
):
    """Query count independent of the rows on the page."""
    client.force_login(manager)
    url = reverse("archives:access_request_list")

    def add(n):
        for _ in range(n):
            requester = UserFactory(department=sales, roles=[Role.SALES_CONSULTANT])
            from archives.access import services as access

            access.file_access_request(
                by=requester, customers=[make_customer(owner=manager)], reason="x", days=3
            )

    add(1)
    one = queries(client, url)
    add(19)
    assert queries(client, url) == one


@pytest.mark.django_db
def test_the_access_log_screen_searches_and_costs_the_same_for_1_and_20_rows(
    customer, owner, manager, colleague, client
):
    """R-ACC-04: managers search by user, archive number, action, dates."""
    client.force_login(manager)
    url = reverse("archives:access_log")
    services.log_access(user=colleague, customer=customer, action=AccessAction.VIEW)
    one = queries(client, url)
    for _ in range(19):
        services.log_access(user=owner, customer=customer, action=AccessAction.PRINT)
    assert queries(client, url) == one
    page = client.get(url, {"user": colleague.pk, "action": "view"}).content.decode()
    assert "共 1 条" in page
    page = client.get(url, {"number": customer.number, "action": "print"}).content.decode()
    assert "共 19 条" in page
    bad = client.get(url, {"date_from": "2026-05-01", "date_to": "2026-04-01"}).content.decode()
    assert "结束日期早于开始日期" in bad


@pytest.mark.django_db
def test_consultants_do_not_read_the_register(owner, client):
    client.force_login(owner)
    assert client.get(reverse("archives:access_log")).status_code == 403
    assert client.get(reverse("archives:access_log_export")).status_code == 403


@pytest.mark.django_db
def test_exporting_the_log_is_itself_logged(customer, colleague, manager, client):
    """R-ACC-04: the register leaves as .xlsx and the export is registered."""
    services.log_access(user=colleague, customer=customer, action=AccessAction.VIEW)
    client.force_login(manager)
    response = client.get(reverse("archives:access_log_export"), {"action": "view"})
    assert response["Content-Disposition"] == 'attachment; filename="access-log.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("时间", "员工", "档案编号")
    assert rows[1][1:4] == ("李娜", customer.number, "查阅")
    export = AccessLog.objects.get(user=manager)
    assert export.action == AccessAction.EXPORT and "1" in export.detail


@pytest.mark.django_db
def test_revealing_a_phone_is_a_logged_post_that_never_stores_the_number(
    customer, colleague, manager, client
):
    """R-ACC-06: masked for the manager; the full number only by an explicit POST, logged
    with the masked number."""
    client.force_login(manager)
    page = client.get(customer.get_absolute_url()).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    phone = customer.phones.get()
    url = reverse("archives:archive_reveal", args=[customer.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"kind": "phone", "pk": phone.pk}, HTTP_HX_REQUEST="true")
    assert response.content.decode().strip().endswith("13912345678</span>")
    assert response["Cache-Control"].startswith("max-age=0")
    log = AccessLog.objects.get(action=AccessAction.REVEAL)
    assert log.detail == "电话 139****5678"  # what was shown, masked, never the number
    client.force_login(colleague)
    assert client.post(url, {"kind": "phone", "pk": phone.pk}).status_code == 404


@pytest.mark.django_db
def test_revealing_the_id_number_is_logged(make_customer, owner, client):
    customer = make_customer(owner=owner, id_number="11010519491231002X")
    client.force_login(owner)
    assert "1101**********002X" in client.get(customer.get_absolute_url()).content.decode()
    page = client.post(
        reverse("archives:archive_reveal", args=[customer.pk]), {"kind": "id_number"}
    ).content.decode()
    assert "11010519491231002X" in page
    assert AccessLog.objects.get().detail == "身份证号 1101**********002X"


@pytest.mark.django_db
def test_dashboards_show_what_waits_for_a_decision_and_the_open_grants(
    customer, colleague, manager, client, request_access, approve
):
    request = request_access(colleague, customer)
    client.force_login(manager)
    assert request.number in client.get(reverse("crm:dashboard")).content.decode()
    approve(request, manager)
    client.force_login(colleague)
    page = client.get(reverse("crm:dashboard")).content.decode()
    assert "我的档案借阅" in page and customer.number in page
