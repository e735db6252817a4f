"""Screens of the visits app: today's calls on the dashboard, the one-tap result, who may see
and change what, query counts that do not grow with rows, charts without inline styles."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.roles import Role
from tests import searching
from visits import services
from visits.models import (
    Commitment,
    CommitmentStatus,
    FollowUp,
    FollowUpRecord,
    FollowUpStatus,
    Questionnaire,
    VisitLog,
)

pytestmark = pytest.mark.django_db


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_the_consultant_opens_the_app_on_todays_calls_overdue_first(
    freeze, client, customer, make_customer, owner, make_follow_up
):
    """R-VIS-07: each consultant sees today's calls on opening the app, overdue ones first,
    with the customer's name and what to ask."""
    freeze(2026, 3, 4, 9)
    other = make_customer(owner=owner, name="刘志强")
    make_follow_up(customer, owner, dt.date(2026, 3, 4), question_zh="了解装修进展")
    make_follow_up(other, owner, dt.date(2026, 3, 1), question_zh="反馈按揭预审结果")
    make_follow_up(other, owner, dt.date(2026, 3, 9), question_zh="下周的回访")
    client.force_login(owner)
    html = client.get(reverse("crm:dashboard")).content.decode()
    panel = html.split('data-panel="visits.today"')[1].split("</section>")[0]
    assert panel.index("反馈按揭预审结果") < panel.index("了解装修进展")
    assert "逾期3天" in panel and "下周的回访" not in panel
    assert 'href="tel:13912345678"' in panel


def test_the_one_tap_result_replaces_the_card_with_the_next_step(
    freeze, client, customer, owner, service
):
    """R-VIS-03: recorded in place (HTMX); the next step of the plan appears."""
    from decimal import Decimal

    from archives import services as archive_services

    freeze(2026, 3, 1)
    archive_services.record_deal(
        customer=customer, by=owner, amount=Decimal("1.00"), signed_on=dt.date(2026, 3, 1)
    )
    first = FollowUp.objects.order_by("due_on").first()
    freeze(2026, 3, 4, 10)
    client.force_login(owner)
    response = client.post(
        reverse("visits:followup_result", args=[first.pk]),
        {"outcome": "reached", "satisfaction": "5", "notes": "手续顺利"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'data-testid="call-done"' in html and "已接通" in html
    assert 'data-testid="next-step"' in html and "客服专员第一次回访" in html
    assert FollowUp.objects.get(pk=first.pk).status == FollowUpStatus.DONE


def test_a_result_without_its_date_is_refused_next_to_the_field(
    freeze, client, customer, owner, make_follow_up
):
    freeze(2026, 3, 4)
    call = make_follow_up(customer, owner, dt.date(2026, 3, 4))
    client.force_login(owner)
    url = reverse("visits:followup_result", args=[call.pk])
    html = client.post(url, {"outcome": "rescheduled"}, headers={"HX-Request": "true"})
    assert "请填写改约日期。" in html.content.decode()
    assert client.post(url, {"outcome": "rescheduled"}).status_code == 400
    assert not FollowUpRecord.objects.exists()


def test_without_javascript_the_result_redirects_back(
    freeze, client, customer, owner, make_follow_up
):
    freeze(2026, 3, 4)
    call = make_follow_up(customer, owner, dt.date(2026, 3, 4))
    client.force_login(owner)
    response = client.post(
        reverse("visits:followup_result", args=[call.pk]),
        {"outcome": "not_reached", "next": "/dashboard/"},
    )
    assert response.status_code == 302 and response.url == "/dashboard/"


@pytest.fixture
def keeper(make_user, other_department):
    """The archive keeper sees every archive, and so every call, but changes none."""
    return make_user(Role.ARCHIVE_KEEPER, username="sunli", department=other_department)


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("owner", 200, 302),
        ("manager", 200, 302),
        ("keeper", 200, 403),
        ("colleague", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_who_may_see_and_record_a_call(
    freeze, client, customer, owner, request, make_follow_up, manager, keeper, who, read, write
):
    """R-ACC-01 for follow-ups: strangers get 404, read-only users 403, and a refused write
    changes nothing."""
    freeze(2026, 3, 4)
    call = make_follow_up(customer, owner, dt.date(2026, 3, 4))
    client.force_login(request.getfixturevalue(who))
    assert client.get(call.get_absolute_url()).status_code == read
    response = client.post(
        reverse("visits:followup_result", args=[call.pk]), {"outcome": "reached"}
    )
    assert response.status_code == write
    call.refresh_from_db()
    assert call.status == (FollowUpStatus.DONE if write == 302 else FollowUpStatus.OPEN)
    if write != 302:
        assert not FollowUpRecord.objects.exists()


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("owner", 200, 302),
        ("manager", 200, 302),
        ("keeper", 200, 403),
        ("colleague", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_who_may_see_a_visit_log_and_fulfil_its_commitment(
    freeze, client, customer, owner, request, manager, keeper, who, read, write
):
    freeze(2026, 4, 10, 15)
    log = services.log_visit(
        customer=customer,
        by=owner,
        kind="walk_in",
        needs="看房",
        commitments=[("送资料", dt.date(2026, 4, 11), None)],
    )
    commitment = log.commitments.get()
    client.force_login(request.getfixturevalue(who))
    assert client.get(log.get_absolute_url()).status_code == read
    response = client.post(
        reverse("visits:commitment_fulfil", args=[commitment.pk]),
        {"fulfilled_on": "2026-04-10"},
    )
    assert response.status_code == write
    expected = CommitmentStatus.FULFILLED if write == 302 else CommitmentStatus.OPEN
    assert Commitment.objects.get().status == expected
    assert FollowUp.objects.count() == (1 if write == 302 else 0)


def test_customer_service_records_calls_it_was_given_without_seeing_the_sales_archive(
    freeze, client, customer, owner, service, make_follow_up
):
    """§13: customer service makes the 15/30/60-day calls to buyers it does not own."""
    freeze(2026, 3, 4)
    call = make_follow_up(customer, service, dt.date(2026, 3, 4))
    client.force_login(service)
    assert client.get(customer.get_absolute_url()).status_code == 404
    assert client.get(call.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("visits:followup_result", args=[call.pk]), {"outcome": "reached"}
    )
    assert response.status_code == 302


def test_logging_a_visit_from_the_screen(freeze, client, customer, owner):
    """R-VIS-01 in the browser's terms: the form saves the log and its commitments; an empty
    form says what is missing, in Chinese, next to the field."""
    freeze(2026, 4, 10, 16)
    client.force_login(owner)
    url = reverse("visits:log_new", args=[customer.pk])
    form = {
        "kind": "walk_in",
        "visited_at": "2026-04-10T15:30",
        "c-TOTAL_FORMS": "3",
        "c-INITIAL_FORMS": "0",
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "10",
    }
    html = client.post(url, form).content.decode()
    assert "请至少记录客户需求或三方面工作中的一项。" in html
    assert not VisitLog.objects.exists()
    form.update(
        {"needs": "三室两厅", "c-0-description": "周五前发送学区文件", "c-0-due_on": "2026-04-12"}
    )
    response = client.post(url, form)
    log = VisitLog.objects.get()
    assert response.url == log.get_absolute_url()
    assert log.commitments.get().description == "周五前发送学区文件"


def test_a_stranger_cannot_log_a_visit_for_someone_elses_customer(client, customer, colleague):
    client.force_login(colleague)
    assert client.get(reverse("visits:log_new", args=[customer.pk])).status_code == 404
    response = client.post(reverse("visits:log_new", args=[customer.pk]), {"kind": "walk_in"})
    assert response.status_code == 404
    assert not VisitLog.objects.exists()


def _fill(make_customer, owner, n, day, event):
    """n customers with a call due, a visit log, a plan, a survey and an invitation each."""
    questionnaire = Questionnaire.objects.get()
    for index in range(n):
        customer = make_customer(owner=owner, name=f"客户{index}", status="won")
        FollowUp.objects.create(
            customer=customer,
            caller=owner,
            question_zh="回访",
            due_on=day,
            call_on=day,
            escalate_on=day + dt.timedelta(days=3),
        )
        services.log_visit(customer=customer, by=owner, kind="walk_in", needs="看房")
        services.plan_visit(
            customer=customer,
            visitor=owner,
            by=owner,
            planned_on=day + dt.timedelta(days=1),
            purpose="送资料",
            target="签约",
        )
        services.send_survey_letter(questionnaire=questionnaire, customer=customer, by=owner)
        services.invite_customers(event=event, customers=[customer], by=owner)


LIST_URLS = [
    "/dashboard/",
    "/visits/",
    "/visits/?when=upcoming&scope=all",
    "/visits/logs/",
    "/visits/plans/",
    "/visits/surveys/",
    "/visits/greetings/",
    "/visits/events/",
    "/visits/reports/",
    "/visits/customers/",
]


def test_list_query_counts_are_the_same_for_1_and_20_rows(
    freeze, client, make_customer, owner, project
):
    """Every list view: the number of queries does not grow with the rows."""
    freeze(2026, 3, 4, 10)
    event = services.save_event(
        by=owner,
        kind="owners",
        title="业主活动",
        project=project,
        starts_at=timezone.now() + dt.timedelta(days=5),
        place="会所",
    )
    client.force_login(owner)
    _fill(make_customer, owner, 1, dt.date(2026, 3, 4), event)
    urls = [*LIST_URLS, event.get_absolute_url(), f"/visits/events/{event.pk}/invite/"]
    one = {url: _count_queries(client, url) for url in urls}
    _fill(make_customer, owner, 19, dt.date(2026, 3, 4), event)
    twenty = {url: _count_queries(client, url) for url in urls}
    assert twenty == one


def test_reports_draw_svg_charts_without_inline_styles(
    freeze, client, customer, owner, manager, make_follow_up
):
    """Reports: completion and on-time rates per caller and per month, the overdue list, as
    server-rendered SVG (strict CSP: no style attributes, no scripts)."""
    freeze(2026, 3, 20, 10)
    done = make_follow_up(customer, owner, dt.date(2026, 3, 2))
    done.status, done.completed_on, done.outcome = "done", dt.date(2026, 3, 2), "reached"
    done.save()
    make_follow_up(customer, owner, dt.date(2026, 3, 10))  # overdue
    client.force_login(manager)
    html = client.get(reverse("visits:reports")).content.decode()
    assert html.count("<svg") >= 3 and "<rect" in html
    assert "style=" not in html.split("<main")[1]
    rates = html.split('data-testid="rates-per-caller"')[1].split("</table>")[0]
    assert "张伟" in rates and "50.0%" in rates
    assert "逾期回访" in html


def test_the_manager_panel_counts_the_teams_overdue_calls(
    freeze, client, customer, owner, manager, make_follow_up
):
    """R-VIS-07: managers see their team's overdue calls."""
    freeze(2026, 3, 20)
    make_follow_up(customer, owner, dt.date(2026, 3, 10))
    client.force_login(manager)
    html = client.get(reverse("crm:dashboard")).content.decode()
    panel = html.split('data-panel="visits.team"')[1].split("</section>")[0]
    assert "王丽华" in panel and "逾期10天" in panel


def test_searches_keep_names_and_phones_out_of_every_url(
    freeze, client, customer, make_customer, owner, project, make_follow_up, monkeypatch
):
    """R-ACC-06: the customer pick list, an event's invite list and the follow-up list POST
    the words searched for; the redirect and the pages' links carry a token, the next page and
    the invitation still work on the search."""
    freeze(2026, 3, 4, 10)
    monkeypatch.setattr("visits.views.common.PAGE_SIZE", 1)
    namesake = make_customer(owner=owner, name="王丽华", mobile="13912340000")
    other = make_customer(owner=owner, name="刘志强", mobile="13800001111")
    client.force_login(owner)
    words = ["王丽华"]

    url = reverse("visits:customer_pick")
    data = {"for": "plan", "q": "王丽华", "status": ""}
    location, html = searching.search(client, url, data, words)
    assert "for=plan" in location and other.number not in html
    on_first_page = customer.number in html
    assert on_first_page != (namesake.number in html)
    html = client.get(searching.next_page(html, url)).content.decode()
    assert (customer.number in html) != on_first_page and other.number not in html
    for link in searching.urls_in(html):
        searching.assert_no_words(link, words)

    event = services.save_event(
        by=owner,
        kind="owners",
        title="业主活动",
        project=project,
        starts_at=timezone.now() + dt.timedelta(days=5),
        place="会所",
    )
    url = reverse("visits:event_invite", args=[event.pk])
    location, html = searching.search(client, url, {"q": "王丽华", "status": ""}, words)
    assert other.number not in html
    response = client.post(location, {"customers": [customer.pk, namesake.pk]})
    assert response.status_code == 302 and response.url == event.get_absolute_url()
    assert set(event.invitations.values_list("customer", flat=True)) == {customer.pk, namesake.pk}

    monkeypatch.setattr("visits.views.common.PAGE_SIZE", 20)
    today = dt.date(2026, 3, 4)
    make_follow_up(customer, owner, today)
    make_follow_up(other, owner, today)
    words = ["13912345678"]
    url = reverse("visits:followup_list")
    data = {"scope": "mine", "when": "today", "q": "13912345678"}
    location, html = searching.search(client, url, data, words)
    assert "when=today" in location and "scope=mine" in location
    assert "王丽华" in html and "刘志强" not in html
