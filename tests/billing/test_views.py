"""Screens of gas billing: who may open and do what (a parametrized matrix that also checks
a refused write changed nothing), query counts of lists, and the pages in both languages."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing import reports, services
from billing.models import (
    Adjustment,
    BillingPolicy,
    GasAccount,
    GasWorkOrder,
    Payment,
    PaymentReminder,
    Reading,
    ReadingStatus,
    ReminderMethod,
    Statement,
    SuspensionRequest,
    SuspensionStatus,
    WorkOrderStatus,
)
from crm.roles import Role
from tests import searching

ISSUED = dt.date(2025, 2, 5)


def overdue_statement(account, reader):
    reading = services.record_reading(account=account, by=reader, read_on=ISSUED, value=D("100"))
    return services.issue_statement(reading=reading, by=reader, issued_on=ISSUED)


def to_suspension_request(statements, reader):
    for statement in statements:
        services.record_reminder(
            statement=statement,
            by=reader,
            method=ReminderMethod.PHONE,
            made_at=dt.datetime(2025, 2, 13, 10, tzinfo=dt.UTC),
        )
    services.sweep_ladder(on=dt.date(2025, 2, 20))
    services.sweep_ladder(on=dt.date(2025, 2, 26))


@pytest.fixture
def world(make_account, tariffs, reader, cashier, finance, general_manager):
    """One account with every kind of row the screens show."""
    account = make_account()
    statement = overdue_statement(account, reader)
    payment = services.record_payment(
        statement=statement, by=cashier, amount=D("10"), method="cash", received_on=ISSUED
    )
    waiting = overdue_statement(make_account(name="赵国强"), reader)
    to_suspension_request([statement, waiting], reader)
    order = services.decide_suspension(
        request=SuspensionRequest.objects.get(statement=statement), by=general_manager, approve=True
    )
    request = SuspensionRequest.objects.get(statement=waiting)
    other = make_account(name="陈晓明")
    services.record_reading(account=other, by=reader, read_on=dt.date(2025, 2, 5), value=D("50"))
    held = services.record_reading(
        account=other, by=reader, read_on=dt.date(2025, 3, 5), value=D("20")
    )
    assert held.status == ReadingStatus.HELD
    return {
        "account": account,
        "statement": statement,
        "payment": payment,
        "request": request,
        "order": order,
        "notice": statement.arrears_notice,
        "held": held,
        "other": other,
    }


@pytest.fixture
def people(reader, cashier, finance, general_manager, owner, make_user):
    return {
        "reader": reader,
        "cashier": cashier,
        "finance": finance,
        "gm": general_manager,
        "consultant": owner,
        "front_desk": make_user(Role.FRONT_DESK, username="zhoumin"),
    }


BILLING = ("reader", "cashier", "finance", "gm")
OTHERS = ("consultant", "front_desk")


def url(world, name):
    args = {
        "account_detail": "account",
        "account_edit": "account",
        "account_close": "account",
        "meter_replace": "account",
        "reading_new": "account",
        "statement_detail": "statement",
        "statement_print": "statement",
        "statement_sign": "statement",
        "payment_new": "statement",
        "adjustment_new": "statement",
        "reading_detail": "held",
        "receipt": "payment",
        "notice_print": "notice",
        "work_order_detail": "order",
    }
    if name in args:
        return reverse(f"billing:{name}", args=[world[args[name]].pk])
    return reverse(f"billing:{name}")


# page → the roles that may open it (others with billing get 403, strangers 404)
PAGES = {
    "round": BILLING,
    "account_list": BILLING,
    "account_detail": BILLING,
    "held_list": BILLING,
    "reading_detail": BILLING,
    "statement_list": BILLING,
    "statement_detail": BILLING,
    "statement_print": BILLING,
    "receipt": BILLING,
    "arrears": BILLING,
    "notice_print": BILLING,
    "suspension_list": BILLING,
    "work_order_list": BILLING,
    "work_order_detail": BILLING,
    "payment_list": ("cashier", "finance", "gm"),
    "reports": ("cashier", "finance", "gm"),
    "reading_report": ("cashier", "finance", "gm"),
    "account_new": ("finance",),
    "account_edit": ("finance",),
    "account_close": ("finance",),
    "billing_run": ("finance",),
    "adjustment_new": ("finance",),
    "meter_replace": ("reader", "finance"),
    "reading_new": ("reader",),
    "statement_sign": ("reader", "cashier"),
    "payment_new": ("cashier",),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*BILLING, *OTHERS, "anonymous"])
def test_who_may_open_each_page(client, world, people, role):
    """R-BIL-01…06: billing roles see billing; each action's role does it; strangers get 404;
    nobody unauthenticated gets past the login page."""
    if role != "anonymous":
        client.force_login(people[role])
    for page, allowed in sorted(PAGES.items()):
        status = client.get(url(world, page)).status_code
        if role == "anonymous":
            expected = 302
        else:
            expected = 200 if role in allowed else 403 if role in BILLING else 404
        assert status == expected, (role, page, status)


def _counts():
    return (
        Payment.objects.count(),
        Adjustment.objects.count(),
        PaymentReminder.objects.count(),
        Reading.objects.count(),
        Reading.objects.filter(status=ReadingStatus.HELD).count(),
        SuspensionRequest.objects.filter(status=SuspensionStatus.PENDING).count(),
        GasWorkOrder.objects.filter(status=WorkOrderStatus.OPEN).count(),
        GasAccount.objects.count(),
        list(Statement.objects.values_list("paid_total", "adjusted_total", "signer_name")),
    )


WRITES = [
    ("payment_new", "statement", {"amount": "20", "method": "cash", "received_on": "2025-02-20"}),
    ("adjustment_new", "statement", {"kind": "credit", "amount": "5", "reason": "核实更正"}),
    ("reminder_new", "statement", {"method": "written", "note": "已贴通知"}),
    ("reading_review", "held", {"decision": "reject", "note": "请重新抄表"}),
    ("suspension_decide", "request", {"decision": "reject", "note": "学校放假，暂缓"}),
    ("work_order_done", "order", {"done_on": "today", "note": "已关阀"}),
    ("reading_new", "other", {"read_on": "2025-03-06", "value": "55"}),
    ("statement_sign", "statement", {"signer_name": "王丽华", "on_paper": "on"}),
]
WRITERS = {
    "payment_new": "cashier",
    "adjustment_new": "finance",
    "reminder_new": "reader",
    "reading_review": "finance",
    "suspension_decide": "gm",
    "work_order_done": "reader",
    "reading_new": "reader",
    "statement_sign": "reader",
}


@pytest.mark.django_db
@pytest.mark.parametrize("name,subject,data", WRITES, ids=[w[0] for w in WRITES])
def test_who_may_write_and_a_refused_write_changes_nothing(
    client, world, people, name, subject, data
):
    """R-BIL-02…05: readers read, cashiers take money, finance issues notes and reviews, the
    general manager decides suspensions; anyone else is refused and nothing changes."""
    link = reverse(f"billing:{name}", args=[world[subject].pk])
    today = str(timezone.localdate())  # a work order cannot be done before it was filed
    data = {field: today if value == "today" else value for field, value in data.items()}
    writer = WRITERS[name]
    also_allowed = {"statement_sign": {"cashier"}}.get(name, set())
    for role in [r for r in (*BILLING, *OTHERS) if r != writer and r not in also_allowed]:
        client.force_login(people[role])
        before = _counts()
        status = client.post(link, data).status_code
        assert status == (403 if role in BILLING else 404), (role, status)
        assert _counts() == before, role
    client.force_login(people[writer])
    before = _counts()
    response = client.post(link, data)
    assert response.status_code == 302, response.content.decode()[:500]
    assert _counts() != before


@pytest.mark.django_db
def test_state_changes_are_post_only(client, world, people):
    client.force_login(people["cashier"])
    link = reverse("billing:statement_receive", args=[world["statement"].pk])
    assert client.get(link).status_code == 405


def _queries(client, link) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(link)
    assert response.status_code == 200
    return len(queries)


def _same_for_1_and_20(client, person, link, add_rows):
    client.force_login(person)
    add_rows(1)
    _queries(client, link)  # warm caches (content types, session)
    one = _queries(client, link)
    add_rows(19)
    assert _queries(client, link) == one


@pytest.mark.django_db
def test_account_and_statement_lists_cost_the_same_for_1_and_20_rows(
    client, make_account, tariffs, reader, finance
):
    def accounts_with_statements(n):
        for i in range(n):
            account = make_account(name=f"住户{i}")
            overdue_statement(account, reader)

    _same_for_1_and_20(client, finance, reverse("billing:account_list"), accounts_with_statements)
    assert _queries(client, reverse("billing:statement_list")) == _queries(
        client, reverse("billing:statement_list") + "?status=unpaid"
    )


@pytest.mark.django_db
def test_statement_list_costs_the_same_for_1_and_20_rows(client, make_account, tariffs, reader):
    def statements(n):
        for i in range(n):
            overdue_statement(make_account(name=f"住户{i}"), reader)

    _same_for_1_and_20(client, reader, reverse("billing:statement_list"), statements)


@pytest.mark.django_db
def test_round_costs_the_same_for_1_and_20_accounts(client, make_account, tariffs, reader):
    def accounts(n):
        for i in range(n):
            account = make_account(name=f"住户{i}")
            services.record_reading(
                account=account, by=reader, read_on=dt.date(2025, 2, 5), value=D("10")
            )

    _same_for_1_and_20(client, reader, reverse("billing:round"), accounts)


@pytest.mark.django_db
def test_held_list_costs_the_same_for_1_and_20_rows(client, make_account, tariffs, reader, finance):
    def held(n):
        for i in range(n):
            account = make_account(name=f"住户{i}")
            services.record_reading(
                account=account, by=reader, read_on=dt.date(2025, 5, 5), value=D("10")
            )

    _same_for_1_and_20(client, finance, reverse("billing:held_list"), held)


@pytest.mark.django_db
def test_arrears_suspension_and_work_order_lists_cost_the_same_for_1_and_20_rows(
    client, make_account, tariffs, reader, general_manager
):
    def ladder(n):
        statements = [overdue_statement(make_account(name=f"住户{i}"), reader) for i in range(n)]
        to_suspension_request(statements, reader)
        for request in SuspensionRequest.objects.filter(status=SuspensionStatus.PENDING)[:n]:
            if request.statement in statements:
                services.decide_suspension(request=request, by=general_manager, approve=True)

    client.force_login(general_manager)
    ladder(1)
    links = [
        reverse("billing:arrears"),
        reverse("billing:suspension_list"),
        reverse("billing:work_order_list"),
    ]
    for link in links:
        _queries(client, link)
    ones = [_queries(client, link) for link in links]
    ladder(19)
    assert [_queries(client, link) for link in links] == ones


@pytest.mark.django_db
def test_takings_cost_the_same_for_1_and_20_payments(
    client, make_account, tariffs, reader, cashier
):
    def payments(n):
        for i in range(n):
            statement = overdue_statement(make_account(name=f"住户{i}"), reader)
            services.record_payment(statement=statement, by=cashier, amount=D("5"), method="cash")

    _same_for_1_and_20(client, cashier, reverse("billing:payment_list"), payments)


@pytest.mark.django_db
def test_a_bad_payment_is_refused_next_to_the_field_in_chinese(client, world, people):
    client.force_login(people["cashier"])
    response = client.post(
        reverse("billing:payment_new", args=[world["statement"].pk]),
        {"amount": "50", "method": "wechat", "received_on": "2025-02-20"},
    )
    assert response.status_code == 200
    assert "请填写交易流水号" in response.content.decode()
    assert world["statement"].payments.count() == 1


@pytest.mark.django_db
def test_the_reader_enters_a_reading_and_sees_why_it_is_held(client, world, people):
    """R-BIL-02: on the phone form a low reading is saved as held with its reason in Chinese."""
    client.force_login(people["reader"])
    response = client.post(
        reverse("billing:reading_new", args=[world["account"].pk]),
        {"read_on": "2025-03-05", "value": "90"},
        follow=True,
    )
    html = response.content.decode()
    assert "暂挂待审" in html
    assert "低于上次读数" in html


@pytest.mark.django_db
def test_print_views_carry_the_company_header_and_form_number(client, world, people):
    """R-BIL-02/05, R-FRM-03: statement and arrears notice print on A4 with the header."""
    client.force_login(people["reader"])
    for link, number in [
        (
            reverse("billing:statement_print", args=[world["statement"].pk]),
            world["statement"].number,
        ),
        (reverse("billing:notice_print", args=[world["notice"].pk]), world["notice"].number),
        (reverse("billing:work_order_detail", args=[world["order"].pk]), world["order"].number),
        (reverse("billing:receipt", args=[world["payment"].pk]), world["payment"].number),
    ]:
        html = client.get(link).content.decode()
        assert 'class="print-header"' in html
        assert number in html
    html = client.get(reverse("billing:notice_print", args=[world["notice"].pk])).content.decode()
    assert "气费催缴通知单" in html and "停气" in html


@pytest.mark.django_db
def test_pages_switch_to_english(client, world, people):
    client.force_login(people["finance"])
    client.cookies["django_language"] = "en"
    html = client.get(reverse("billing:statement_detail", args=[world["statement"].pk])).content
    assert b"Gas settlement statement" in html
    html = client.get(reverse("billing:reports")).content.decode()
    assert "Collection rate" in html and "Residential" in html


@pytest.mark.django_db
def test_the_reports_draw_their_charts_with_the_target_and_the_amounts(client, world, people):
    """R-BIL-06, R-BIL-03: the collection rate against its target (a dashed line, columns
    below it in red), the arrears by age in yuan, and accounts due, read and billed."""
    client.force_login(people["finance"])
    month = f"?month={ISSUED:%Y-%m}"
    html = client.get(reverse("billing:reports") + month).content.decode()
    collection = html.split('data-testid="collection-chart"')[1].split("</figure>")[0]
    target = BillingPolicy.current().collection_target.normalize()
    assert f"目标 {target}%" in collection and 'stroke-dasharray="6 4"' in collection
    assert 'fill="#c53030"' in collection  # a rate below the target
    ageing = html.split('data-testid="ageing-chart"')[1].split("</figure>")[0]
    owed = reports.ageing(timezone.localdate())[-1].amounts
    assert all(f">{amount:,.2f}</text>" in ageing for amount in owed.values())
    html = client.get(reverse("billing:reading_report") + month).content.decode()
    chart = html.split('data-testid="reading-chart"')[1].split("</figure>")[0]
    assert "<svg" in chart and ">实抄</text>" in chart and ">应抄户数</text>" in chart


@pytest.mark.django_db
def test_finance_opens_an_account_from_the_customers_archive_number(
    client, make_resident, finance, reader
):
    """R-BIL-01: an account per customer and unit, with its meter and first reading."""
    customer, unit = make_resident(name="徐磊")
    client.force_login(finance)
    data = {
        "customer_number": customer.number.lower(),
        "user_type": "residential",
        "unit": unit.pk,
        "reader": reader.pk,
        "opened_on": "2026-11-01",
        "meter_number": "JX-2026-0451",
        "meter_model": "G2.5 膜式表",
        "installed_on": "2026-11-01",
        "seal_number": "QF20451",
        "next_verification_on": "2032-11-01",
        "initial_value": "0.00",
    }
    response = client.post(reverse("billing:account_new"), data)
    account = GasAccount.objects.get(customer=customer)
    assert response.status_code == 302 and response.url == account.get_absolute_url()
    assert account.meters.get().number == "JX-2026-0451"
    assert account.readings.get().kind == "initial"
    # The same customer and unit again: refused next to the field, nothing saved.
    response = client.post(reverse("billing:account_new"), {**data, "meter_number": "JX-X"})
    assert "该客户在此单元已有燃气户" in response.content.decode()
    assert GasAccount.objects.filter(customer=customer).count() == 1


@pytest.mark.django_db
def test_an_archive_number_the_user_may_not_see_is_refused(client, finance, owner, project):
    from archives import services as archive_services

    lead = archive_services.register_customer(
        by=owner,
        name="杨帆",
        source="call",
        phones=[("mobile", "13900001111")],
        owner=owner,
        project=project,
    )
    client.force_login(finance)
    response = client.post(reverse("billing:account_new"), {"customer_number": lead.number})
    assert "没有此编号的客户档案" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("list_name", "number_of"), [("account_list", "account"), ("statement_list", "statement")]
)
def test_list_searches_keep_names_out_of_every_url(
    client, make_account, tariffs, reader, finance, monkeypatch, list_name, number_of
):
    """R-ACC-06: the account and statement lists POST the words and keep them in the session;
    the redirect keeps the filters and a token, the next page is still the search's."""
    monkeypatch.setattr(f"billing.views.{list_name.split('_')[0]}s.PAGE_SIZE", 1)
    statements = [overdue_statement(make_account(name=n), reader) for n in ("王丽华", "王丽华")]
    other = overdue_statement(make_account(name="赵国强"), reader)

    def number(statement):
        return statement.number if number_of == "statement" else statement.account.number

    client.force_login(finance)
    url = reverse(f"billing:{list_name}")
    words = ["王丽华"]
    data = {"q": "王丽华", "user_type": "residential"}
    location, html = searching.search(client, url, data, words)
    assert "user_type=residential" in location and number(other) not in html
    on_first_page = number(statements[0]) in html
    assert on_first_page != (number(statements[1]) in html)
    html = client.get(searching.next_page(html, url)).content.decode()
    assert (number(statements[0]) in html) != on_first_page and number(other) not in html
    for link in searching.urls_in(html):
        searching.assert_no_words(link, words)
