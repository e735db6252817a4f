"""Taking complaints and suggestions (R-CMP-01)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from archives.models import CustomerEvent, EventKind
from complaints import services
from complaints.models import (
    Category,
    Channel,
    Complaint,
    ComplaintLog,
    IncomingDocument,
    Kind,
    LogAction,
    ReplyMethod,
    StepKind,
)
from crm.models import Notification
from tests.complaints.helpers import take_through


@pytest.mark.django_db
def test_a_complaint_gets_a_ts_number_and_is_linked_to_customer_and_unit(
    make_complaint, resident, unit, front_desk
):
    """R-CMP-01: numbered TS-…, linked to the customer and (their only) unit, who took it."""
    first = make_complaint()
    second = make_complaint(kind=Kind.SUGGESTION, channel=Channel.ONLINE)
    assert first.number.startswith("TS-") and first.number != second.number
    assert first.customer == resident and first.unit == unit
    assert first.filled_by == front_desk and first.handler is None
    assert second.get_kind_display() and second.channel == Channel.ONLINE
    assert ComplaintLog.objects.filter(complaint=first, action=LogAction.RECEIVED).exists()


@pytest.mark.django_db
def test_customer_service_taking_a_complaint_handles_it(make_complaint, service_agent):
    """R-CMP-01: 客服部统一受理 — customer service owns what it takes."""
    assert make_complaint(by=service_agent).handler == service_agent


@pytest.mark.django_db
def test_an_unknown_caller_leaves_name_and_phone(make_complaint, front_desk):
    """R-CMP-01: recorded for an unknown caller (name + phone), linked later."""
    complaint = make_complaint(caller_name="李先生", caller_phone="137-0029-1234")
    assert complaint.customer is None
    assert complaint.caller_phone == "+8613700291234"
    with pytest.raises(ValidationError) as caught:
        make_complaint(caller_name="李先生", caller_phone="")
    assert "caller_name" in caught.value.error_dict
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_complaint_from_nobody(make_complaint):
    """R-CMP-01: the constraint, not only the form, keeps an unknown caller reachable."""
    complaint = make_complaint()
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(customer=None, caller_phone="")


@pytest.mark.django_db
def test_a_written_complaint_enters_the_incoming_document_register(
    make_complaint, service_agent, gm
):
    """R-CMP-01: 收文登记簿 with its own SW number, presented to the leadership."""
    complaint = make_complaint(
        channel=Channel.WRITTEN,
        category=Category.SALES_PROMISE,
        letter={"received_on": dt.date(2026, 11, 20), "sender": "马晓燕", "pages": 2},
    )
    document = IncomingDocument.objects.get(complaint=complaint)
    assert document.number.startswith("SW-")
    assert (document.sender, document.pages, document.presented_to) == ("马晓燕", 2, gm)
    assert Notification.objects.filter(recipient=gm, title__contains=document.number).exists()
    assert not IncomingDocument.objects.exclude(complaint=complaint).exists()


@pytest.mark.django_db
def test_a_written_complaint_is_answered_in_writing(make_complaint, service_agent):
    """R-CMP-01: written complaints get a written reply; the letter prints on letterhead."""
    complaint = make_complaint(channel=Channel.WRITTEN)
    take_through(complaint, service_agent, until="followed")
    with pytest.raises(ValidationError) as caught:
        services.record_step(
            complaint=complaint,
            kind=StepKind.REPLIED,
            text="电话答复",
            by=service_agent,
            method=ReplyMethod.PHONE,
        )
    assert "method" in caught.value.error_dict
    services.record_step(
        complaint=complaint,
        kind=StepKind.REPLIED,
        text="经核查，宣传册所载会所泳池将于明年动工。",
        by=service_agent,
        method=ReplyMethod.WRITTEN,
    )


@pytest.mark.django_db
def test_the_front_desk_takes_a_phone_complaint_on_one_form(client, front_desk, resident, unit):
    """R-CMP-01: one form, a few fields, the number shown at once."""
    client.force_login(front_desk)
    assert client.get(reverse("complaints:complaint_create")).status_code == 200
    response = client.post(
        reverse("complaints:complaint_create"),
        {
            "channel": "phone",
            "kind": "complaint",
            "customer": resident.pk,
            "unit": unit.pk,
            "category": "neighbours",
            "severity": "general",
            "subject": "楼上深夜装修噪音",
            "description": "连续三晚十点后还在装修。",
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == complaint.get_absolute_url()
    assert complaint.category == Category.NEIGHBOURS and complaint.customer == resident


@pytest.mark.django_db
def test_bad_intake_says_what_is_wrong_in_chinese_and_saves_nothing(client, front_desk):
    """R-CMP-01: a clear message next to the field; nothing half-saved."""
    client.force_login(front_desk)
    response = client.post(
        reverse("complaints:complaint_create"),
        {
            "channel": "phone",
            "kind": "complaint",
            "category": "fees",
            "severity": "general",
            "subject": "",
            "description": "收费有误",
            "caller_phone": "12345",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "不是有效的" in html or "不是电话号码" in html
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
def test_the_customer_is_found_by_name_phone_or_unit_but_only_if_visible(
    client, front_desk, resident, unit, make_customer, colleague
):
    """R-CMP-01: found through crm.permissions — a sales lead the front desk may not see
    stays hidden."""
    make_customer(owner=colleague, name="王小明", mobile="13900001111")  # a lead, no unit
    client.force_login(front_desk)
    lookup = reverse("complaints:customer_lookup")
    for text in ("王", "wlh", "5678", unit.number):
        html = client.post(lookup, {"find": text}).content.decode()
        assert "王丽华" in html, text
        assert "王小明" not in html
    assert f'data-unit="{unit.pk}"' in client.post(lookup, {"find": "王丽华"}).content.decode()
    assert client.get(lookup, {"find": "王丽华"}).status_code == 405  # no names in URLs


@pytest.mark.django_db
def test_an_unknown_caller_is_linked_later_and_then_gets_the_return_visit(
    make_complaint, service_agent, resident
):
    """R-CMP-01, R-CMP-05: linked later; a complaint closed before the link starts the
    return visit once it is linked."""
    complaint = make_complaint(caller_name="王女士", caller_phone="13912345678")
    take_through(complaint, service_agent)
    services.close_complaint(
        complaint=complaint,
        by=service_agent,
        outcome="已冲减",
        opinion="satisfied",
        confirmation="phone",
        note="电话确认",
    )
    assert not CustomerEvent.objects.filter(kind=EventKind.COMPLAINT_CLOSED).exists()
    services.link_customer(complaint=complaint, customer=resident, by=service_agent)
    event = CustomerEvent.objects.get(kind=EventKind.COMPLAINT_CLOSED)
    assert event.customer == resident and event.kind == EventKind.COMPLAINT_CLOSED
    with pytest.raises(ValidationError):
        services.link_customer(complaint=complaint, customer=resident, by=service_agent)
