"""Who may see and handle a complaint (complaints.rules through crm.permissions)."""

import pytest
from django.urls import reverse

from complaints.models import Complaint, ComplaintStep, Severity
from crm import permissions

VIEWERS = {
    "front_desk": 200,
    "service_agent": 200,
    "gm": 200,
    "finance_head": 200,  # head of the responsible department
    "cashier": 200,  # member of the responsible department: reads only
    "owner": 200,  # the customer's consultant: reads only
    "colleague": 404,  # another consultant: a stranger to this customer
    "outsider": 404,
}
WRITERS = {
    "front_desk": 302,
    "service_agent": 302,
    "gm": 302,
    "finance_head": 302,
    "cashier": 403,
    "owner": 403,
    "colleague": 404,
    "outsider": 404,
}


@pytest.fixture
def routed(make_complaint, finance, finance_head, cashier, service_agent, gm):
    return make_complaint(department=finance)


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), VIEWERS.items())
def test_who_may_open_a_complaint(client, request, routed, who, status):
    """R-CMP-01…04: strangers get 404 so numbers cannot be probed."""
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("complaints:complaint_detail", args=[routed.pk])).status_code == (
        status
    )
    listed = routed.number in client.get(reverse("complaints:complaint_list")).content.decode()
    assert listed == (status == 200)


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), WRITERS.items())
def test_who_may_record_a_step_and_a_denied_write_changes_nothing(
    client, request, routed, who, status
):
    """R-CMP-02: front desk, customer service, the general manager and the responsible
    department's head handle it; readers get 403, strangers 404 — and nothing changes."""
    client.force_login(request.getfixturevalue(who))
    before = Complaint.objects.values().get(pk=routed.pk)
    response = client.post(
        reverse("complaints:step_record", args=[routed.pk, "heard"]),
        {"heard-text": "客户说被多收了车位费。"},
    )
    assert response.status_code == status
    if status == 302:
        assert ComplaintStep.objects.filter(complaint=routed).count() == 1
    else:
        assert not ComplaintStep.objects.exists()
        assert Complaint.objects.values().get(pk=routed.pk) == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["cashier", "owner", "colleague", "outsider"])
def test_readers_and_strangers_cannot_close_reclassify_or_take(client, request, replied, who):
    """A denied write of any kind leaves the complaint as it was."""
    client.force_login(request.getfixturevalue(who))
    before = Complaint.objects.values().get(pk=replied.pk)
    for name, data in [
        ("complaint_take", {}),
        ("complaint_reclassify", {"kind": "complaint", "category": "fees", "severity": "major"}),
        (
            "complaint_close",
            {"outcome": "x", "opinion": "satisfied", "confirmation": "phone", "note": "电话确认"},
        ),
    ]:
        response = client.post(reverse(f"complaints:{name}", args=[replied.pk]), data)
        assert response.status_code in (403, 404)
    assert Complaint.objects.values().get(pk=replied.pk) == before


@pytest.mark.django_db
def test_the_rule_follows_the_routing(make_complaint, finance, finance_head, cashier, colleague):
    """Routed elsewhere, the finance department no longer sees it; a consultant sees the
    complaints of their own customers only."""
    complaint = make_complaint()
    assert not permissions.can(cashier, "view", complaint)
    assert not permissions.can(finance_head, "change", complaint)
    Complaint.objects.filter(pk=complaint.pk).update(department=finance)
    assert permissions.can(cashier, "view", complaint)
    assert not permissions.can(cashier, "change", complaint)
    assert permissions.can(finance_head, "change", complaint)
    assert not permissions.can(colleague, "view", complaint)


@pytest.mark.django_db
def test_the_handler_keeps_access_whatever_the_department(make_complaint, outsider):
    complaint = make_complaint()
    Complaint.objects.filter(pk=complaint.pk).update(handler=outsider)
    assert permissions.can(outsider, "change", complaint)


@pytest.mark.django_db
def test_the_intake_form_is_for_the_front_desk_customer_service_and_the_gm(
    client, front_desk, service_agent, gm, owner, cashier
):
    url = reverse("complaints:complaint_create")
    for person, status in [
        (front_desk, 200),
        (service_agent, 200),
        (gm, 200),
        (owner, 403),
        (cashier, 403),
    ]:
        client.force_login(person)
        assert client.get(url).status_code == status, person


@pytest.mark.django_db
def test_strangers_cannot_read_a_complaint_on_the_customers_timeline(
    client, make_complaint, owner, colleague, resident
):
    """R-ARC-14: the complaint appears on the customer's timeline for those who may see it."""
    make_complaint(severity=Severity.MAJOR, subject="电梯困人")
    from archives import timeline

    assert any("电梯困人" in e.title for e in timeline.for_customer(resident, owner))
    assert not any("电梯困人" in e.title for e in timeline.for_customer(resident, colleague))


@pytest.mark.django_db
def test_a_top_secret_customers_complaints_stay_with_who_may_open_the_archive(
    client, make_complaint, make_customer, owner, manager
):
    """R-ACC-03, R-ACC-01: the sales manager reads his department's customers' complaints,
    but not those of a 绝密 archive he may not open; its owner still reads them."""
    from archives.models import Secrecy

    secret = make_customer(owner=owner, name="绝密业主", secrecy=Secrecy.TOP_SECRET)
    ordinary = make_customer(owner=owner, name="普通业主")
    hidden = make_complaint(customer=secret)
    shown = make_complaint(customer=ordinary)

    client.force_login(manager)
    assert client.get(reverse("complaints:complaint_detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("complaints:complaint_detail", args=[shown.pk])).status_code == 200
    assert not permissions.can(manager, permissions.VIEW, hidden)

    client.force_login(owner)
    assert client.get(reverse("complaints:complaint_detail", args=[hidden.pk])).status_code == 200
