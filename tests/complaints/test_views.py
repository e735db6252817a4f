"""Screens: lists with clocks, query counts, dashboards, print views, timelines, handover,
the monthly summary (R-CMP-03, R-CMP-05, R-FRM-03)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archives import timeline
from complaints import services
from complaints.models import Channel, Complaint, ConfirmationKind, Opinion, ReplyMethod, Severity
from crm import handover
from tests import searching
from tests.complaints.helpers import signature_png, take_through

SHANGHAI = ZoneInfo("Asia/Shanghai")


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def many(make_complaint, n, **fields):
    for index in range(n):
        make_complaint(subject=f"投诉第{index}号", **fields)


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["open", "closed", "all", "overdue"])
def test_list_query_count_is_the_same_for_1_and_20_rows(
    client, make_complaint, service_agent, finance, state
):
    client.force_login(service_agent)
    url = reverse("complaints:complaint_list") + f"?state={state}"
    make_complaint(department=finance)
    one = count_queries(client, url)
    many(make_complaint, 19, department=finance, by=service_agent)
    assert count_queries(client, url) == one


@pytest.mark.django_db
def test_register_query_count_is_the_same_for_1_and_20_letters(
    client, make_complaint, service_agent, gm
):
    client.force_login(service_agent)
    url = reverse("complaints:register")
    make_complaint(channel=Channel.WRITTEN)
    one = count_queries(client, url)
    many(make_complaint, 19, channel=Channel.WRITTEN)
    assert count_queries(client, url) == one
    assert "SW-" in client.get(url).content.decode()


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_complaints(
    client, make_complaint, service_agent, gm
):
    client.force_login(service_agent)
    make_complaint(severity=Severity.MAJOR)
    one = count_queries(client, reverse("crm:dashboard"))
    many(make_complaint, 19, severity=Severity.MAJOR)
    assert count_queries(client, reverse("crm:dashboard")) == one


@pytest.mark.django_db
def test_lists_by_state_show_the_clock_to_the_deadline(client, make_complaint, service_agent):
    """R-CMP-03: open complaints carry a clock with their deadline."""
    complaint = make_complaint()
    client.force_login(service_agent)
    html = client.get(reverse("complaints:complaint_list")).content.decode()
    assert f'data-deadline="{complaint.reply_due_at.astimezone(SHANGHAI).isoformat()}"' in html
    assert "data-complaint-clock" in html
    take_through(complaint, service_agent)
    html = client.get(reverse("complaints:complaint_list") + "?state=replied").content.decode()
    assert complaint.number in html and "data-complaint-clock" not in html


@pytest.mark.django_db
def test_the_waiting_panel_shows_department_heads_their_own(
    client, make_complaint, finance, finance_head, service_agent
):
    """Dashboards: complaints waiting for a reply for customer service and department heads."""
    mine = make_complaint(department=finance, subject="财务部的投诉")
    make_complaint(subject="别的部门的投诉")
    client.force_login(finance_head)
    html = client.get(reverse("crm:dashboard")).content.decode()
    assert 'data-panel="complaints.waiting"' in html
    assert mine.subject in html and "别的部门的投诉" not in html
    client.force_login(service_agent)
    html = client.get(reverse("crm:dashboard")).content.decode()
    assert "财务部的投诉" in html and "别的部门的投诉" in html


@pytest.mark.django_db
def test_the_general_manager_sees_major_complaints(client, make_complaint, gm, owner):
    major = make_complaint(severity=Severity.MAJOR, subject="电梯困人")
    client.force_login(gm)
    html = client.get(reverse("crm:dashboard")).content.decode()
    assert 'data-panel="complaints.major"' in html and major.subject in html
    client.force_login(owner)
    assert (
        'data-panel="complaints.major"' not in client.get(reverse("crm:dashboard")).content.decode()
    )


@pytest.mark.django_db
def test_the_complaint_is_on_the_customers_and_the_units_timeline(
    client, make_complaint, service_agent, resident, unit
):
    """R-ARC-14, R-CMP-01: on the customer's timeline and the unit's file."""
    complaint = make_complaint(subject="楼上噪音")
    take_through(complaint, service_agent)
    services.close_complaint(
        complaint=complaint,
        by=service_agent,
        outcome="已协调",
        opinion=Opinion.SATISFIED,
        confirmation=ConfirmationKind.PHONE,
        note="电话确认",
    )
    titles = [entry.title for entry in timeline.for_customer(resident, service_agent)]
    assert any(complaint.number in t and "楼上噪音" in t for t in titles)
    assert any("已办结" in t or "closed" in t for t in titles)
    unit_titles = [entry.title for entry in timeline.for_unit(unit, service_agent)]
    assert any(complaint.number in t for t in unit_titles)
    client.force_login(service_agent)
    html = client.get(reverse("archives:unit_file", args=[unit.pk])).content.decode()
    assert complaint.get_absolute_url() in html


@pytest.mark.django_db
def test_the_detail_page_shows_the_five_clears_and_the_next_form(
    client, make_complaint, service_agent
):
    complaint = make_complaint()
    client.force_login(service_agent)
    html = client.get(complaint.get_absolute_url()).content.decode()
    for kind in ("heard", "asked", "followed", "replied", "recorded"):
        assert f'data-testid="clear-{kind}"' in html
    assert "听清楚" in html and "记清楚" in html
    assert f'action="{reverse("complaints:step_record", args=[complaint.pk, "heard"])}"' in html
    assert 'action="' + reverse("complaints:complaint_close", args=[complaint.pk]) not in html


@pytest.mark.django_db
def test_a_step_out_of_order_is_refused_on_screen(client, make_complaint, service_agent):
    """R-CMP-02: the order holds in the view too, with a message."""
    complaint = make_complaint()
    client.force_login(service_agent)
    response = client.post(
        reverse("complaints:step_record", args=[complaint.pk, "replied"]),
        {"replied-text": "已答复", "replied-method": "phone"},
    )
    assert response.status_code == 400
    assert not complaint.steps.exists()


@pytest.mark.django_db
def test_print_views_have_the_company_header(client, make_complaint, service_agent):
    """R-FRM-03, R-CMP-01: the opinion form and the written reply print on A4 letterhead."""
    letter = make_complaint(channel=Channel.WRITTEN, subject="销售承诺的泳池未建")
    take_through(letter, service_agent, method=ReplyMethod.WRITTEN)
    client.force_login(service_agent)
    html = client.get(reverse("complaints:complaint_print", args=[letter.pk])).content.decode()
    assert "print-header" in html and letter.number in html and "用户意见受理表" in html
    assert letter.incoming_document.number in html
    html = client.get(letter.get_absolute_url()).content.decode()
    assert reverse("complaints:reply_letter", args=[letter.pk]) in html
    html = client.get(reverse("complaints:reply_letter", args=[letter.pk])).content.decode()
    assert "print-header" in html and "电话告知已冲减" in html and "来信" in html


@pytest.mark.django_db
def test_there_is_no_reply_letter_without_a_written_reply(client, replied, service_agent):
    client.force_login(service_agent)
    assert client.get(reverse("complaints:reply_letter", args=[replied.pk])).status_code == 404
    html = client.get(replied.get_absolute_url()).content.decode()
    assert reverse("complaints:reply_letter", args=[replied.pk]) not in html


@pytest.mark.django_db
def test_the_screens_speak_english_too(client, make_complaint, service_agent):
    complaint = make_complaint()
    client.force_login(service_agent)
    client.cookies["django_language"] = "en"
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert "Five clears and one report" in html and "Heard" in html
    html = client.get(reverse("complaints:complaint_create")).content.decode()
    assert "Find the customer" in html


@pytest.mark.django_db
def test_the_monthly_summary_counts_and_draws(client, make_complaint, service_agent, finance):
    """R-CMP-05: by category, department, severity, time to reply and reopen rate; SVG charts;
    the return visits started; printable."""
    november = dt.datetime(2026, 11, 9, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(november, tick=False):
        fees = make_complaint(department=finance, by=service_agent)
        make_complaint(severity=Severity.MAJOR, category="repairs", subject="电梯困人")
        make_complaint(kind="suggestion", category="other", subject="建议增加充电桩")
        take_through(fees, service_agent)
    with time_machine.travel(november + dt.timedelta(hours=30), tick=False):
        services.close_complaint(
            complaint=fees,
            by=service_agent,
            outcome="已冲减",
            opinion=Opinion.SATISFIED,
            confirmation=ConfirmationKind.SIGNATURE,
            signature=signature_png(),
        )
        services.reopen_complaint(complaint=fees, by=service_agent, reason="仍有疑问")
    with time_machine.travel(dt.datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI), tick=False):
        make_complaint(subject="上个月的投诉")
    client.force_login(service_agent)
    response = client.get(reverse("complaints:summary") + "?month=2026-11")
    html = response.content.decode()
    context = response.context
    assert context["totals"]["total"] == 3
    assert (context["totals"]["major"], context["totals"]["suggestions"]) == (1, 1)
    assert context["reopen_rate"] == 100 and context["return_visits"] == 1
    charts = {chart.key: chart for chart in context["charts"]}
    assert {b.label: b.value for b in charts["category"].bars}["收费"] == 1
    assert {b.label: b.value for b in charts["department"].bars}["财务部"] == 1
    assert {b.label: b.value for b in charts["reply"].bars}["24小时内"] == 1
    assert html.count("<svg") >= 4 and "style=" not in html.split("<main")[1]
    assert "上个月的投诉" not in html
    assert client.get(reverse("complaints:summary") + "?month=2026-13").status_code == 200


@pytest.mark.django_db
def test_open_complaints_are_handed_over_with_the_handler(
    make_complaint, service_agent, service_head
):
    """R-ARC-12: the handover lists a leaver's open complaints and moves them, telling the
    successor."""
    open_one = make_complaint(by=service_agent)
    closed_one = make_complaint(by=service_agent)
    take_through(closed_one, service_agent)
    services.close_complaint(
        complaint=closed_one,
        by=service_agent,
        outcome="已处理",
        opinion=Opinion.SATISFIED,
        confirmation=ConfirmationKind.PHONE,
        note="电话确认",
    )
    source = handover.source("complaints")
    items = source.open_items(service_agent)
    assert [item.pk for item in items] == [open_one.pk]
    assert source.transfer(items, service_head, service_head) == 1
    assert Complaint.objects.get(pk=open_one.pk).handler == service_head
    assert Complaint.objects.get(pk=closed_one.pk).handler == service_agent
    assert source.open_items(service_agent) == []


@pytest.mark.django_db
def test_the_reply_method_of_a_written_complaint_defaults_to_writing(
    client, make_complaint, service_agent
):
    complaint = make_complaint(channel=Channel.WRITTEN)
    take_through(complaint, service_agent, until="followed")
    client.force_login(service_agent)
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert f'value="{ReplyMethod.WRITTEN}" id="id_replied-method_3" checked' in html or (
        'value="written"' in html and "checked" in html
    )


@pytest.mark.django_db
def test_the_supervisor_signs_off_a_closed_complaint(
    client, replied, service_agent, service_head, cashier
):
    """R-FRM-01: the form shows who filled it in and the supervisor's sign-off."""
    services.close_complaint(
        complaint=replied,
        by=service_agent,
        outcome="已冲减",
        opinion=Opinion.SATISFIED,
        confirmation=ConfirmationKind.PHONE,
        note="电话确认",
    )
    url = reverse("complaints:complaint_sign_off", args=[replied.pk])
    client.force_login(service_agent)  # handles it, but is not the supervisor
    assert client.post(url).status_code == 403
    client.force_login(service_head)  # heads the handler's department
    assert client.post(url).status_code == 302
    replied.refresh_from_db()
    assert replied.signed_off_by == service_head and replied.is_signed_off
    html = client.get(reverse("complaints:complaint_print", args=[replied.pk])).content.decode()
    assert "吴芳" in html


@pytest.mark.django_db
def test_an_unknown_caller_is_linked_on_screen(client, make_complaint, service_agent, resident):
    """R-CMP-01: linked later through the door — only to an archive the user may see."""
    complaint = make_complaint(caller_name="王女士", caller_phone="13912345678")
    client.force_login(service_agent)
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert 'id="link"' in html
    response = client.post(
        reverse("complaints:complaint_link", args=[complaint.pk]), {"customer": resident.pk}
    )
    assert response.status_code == 302
    assert Complaint.objects.get().customer == resident


@pytest.mark.django_db
def test_summary_query_count_is_the_same_for_1_and_20_complaints(
    client, make_complaint, service_agent, finance
):
    client.force_login(service_agent)
    url = reverse("complaints:summary")
    make_complaint(department=finance)
    one = count_queries(client, url)
    many(make_complaint, 19, department=finance)
    assert count_queries(client, url) == one


@pytest.mark.django_db
def test_the_list_search_keeps_names_and_phones_out_of_every_url(
    client, make_complaint, make_customer, owner, service_agent, monkeypatch
):
    """R-ACC-06: the search words are POSTed and kept in the session; the redirect, the state
    tabs and the pagination carry a token, and the next page is still the search's."""
    monkeypatch.setattr("complaints.views.PAGE_SIZE", 1)
    first, second = make_complaint(subject="第一件"), make_complaint(subject="第二件")
    other = make_complaint(customer=make_customer(owner=owner, name="赵六"), subject="别人的投诉")
    client.force_login(service_agent)
    url = reverse("complaints:complaint_list")
    words = ["13912345678"]
    location, html = searching.search(client, url, {"state": "all", "q": words[0]}, words)
    assert "state=all" in location
    assert 'value="13912345678"' in html  # the box still shows what was searched
    assert other.number not in html
    on_first_page = first.number in html
    assert on_first_page != (second.number in html)
    html = client.get(searching.next_page(html, url)).content.decode()
    assert (first.number in html) != on_first_page and other.number not in html
    for link in searching.urls_in(html):
        searching.assert_no_words(link, words)
    # Words typed into the URL by hand are ignored: the URL is no way in for them.
    monkeypatch.setattr("complaints.views.PAGE_SIZE", 20)
    html = client.get(url, {"state": "all", "q": "赵六"}).content.decode()
    assert other.number in html and first.number in html
