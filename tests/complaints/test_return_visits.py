"""R-CMP-05 with the visits app: closing a complaint puts a return visit on the consultant's
list (回访), once, dated by the follow-up plan."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from archives.models import EventKind
from complaints import services
from visits.models import FollowUp

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def close(complaint, by):
    return services.close_complaint(
        complaint=complaint,
        by=by,
        outcome="已退还多收的车位管理费",
        opinion="满意",
        confirmation="phone",
        note="电话确认",
    )


@pytest.mark.django_db
def test_closing_a_complaint_puts_a_return_visit_on_the_owners_list(
    replied, service_agent, owner, client
):
    """R-CMP-05: 根据用户投诉情况进行用户回访 — the customer's consultant calls back."""
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, tzinfo=SHANGHAI)):
        close(replied, service_agent)
    (visit,) = FollowUp.objects.filter(
        customer=replied.customer, event__kind=EventKind.COMPLAINT_CLOSED
    )
    assert visit.caller == owner
    assert visit.due_on == dt.date(2026, 11, 5)  # the plan's three days
    with time_machine.travel(dt.datetime(2026, 11, 5, 9, tzinfo=SHANGHAI)):
        client.force_login(owner)
        html = client.get(reverse("crm:dashboard")).content.decode()
    assert replied.customer.name in html


@pytest.mark.django_db
def test_reopening_does_not_double_the_return_visit(replied, service_agent):
    close(replied, service_agent)
    services.reopen_complaint(complaint=replied, by=service_agent, reason="客户称仍多收")
    return_visits = FollowUp.objects.filter(event__kind=EventKind.COMPLAINT_CLOSED)
    assert return_visits.count() == 1
