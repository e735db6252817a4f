"""Important customers (R-ARC-11) and staff departure (R-ARC-12): everything passes to
successors before the departure completes, customers are told, the leaver loses access."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from archives import services as archive_services
from archives.models import (
    ConsultantNotice,
    Customer,
    Departure,
    DutySlot,
    OwnershipChange,
    OwnershipRule,
    PhoneKind,
)
from archives.ownership import departures, services
from crm import handover, permissions
from crm.handover import HandoverItem, HandoverSource
from crm.models import EmploymentStatus, SmsMessage

pytestmark = pytest.mark.django_db


# --- R-ARC-11 -------------------------------------------------------------------------------


def test_an_important_customer_needs_two_staff_in_contact(customer, owner, colleague):
    """R-ARC-11: marking a customer important is refused with one contact, in plain words."""
    with pytest.raises(ValidationError) as caught:
        services.set_important(customer=customer, important=True, by=owner)
    assert "2" in caught.value.messages[0]
    customer.refresh_from_db()
    assert not customer.is_important
    services.set_contacts(customer=customer, co_owners=[colleague], important=True, by=owner)
    customer.refresh_from_db()
    assert customer.is_important
    assert list(customer.co_owners.all()) == [colleague]


def test_an_important_customer_keeps_two_staff(customer, owner, colleague):
    """R-ARC-11: removing the second contact of an important customer is refused."""
    services.set_contacts(customer=customer, co_owners=[colleague], important=True, by=owner)
    with pytest.raises(ValidationError):
        services.set_contacts(customer=customer, co_owners=[], important=True, by=owner)
    assert list(customer.co_owners.all()) == [colleague]


# --- R-ARC-12 -------------------------------------------------------------------------------


@pytest.fixture
def leaver_work(make_customer, owner, colleague, project, roster):
    """张伟 owns two customers (one important, one with only a landline), co-owns one, and
    has a place on today's rotation."""
    plain = make_customer(owner=owner, name="王丽华", mobile="13900008001")
    important = make_customer(owner=owner, name="陈晓明", mobile="13900008002")
    services.set_contacts(customer=important, co_owners=[colleague], important=True, by=owner)
    landline = archive_services.register_customer(
        by=owner,
        name="程刚",
        source="call",
        phones=[(PhoneKind.HOME, "029-88661234")],
        owner=owner,
        project=project,
    )
    co_owned = make_customer(owner=colleague, name="周杰", mobile="13900008004")
    archive_services.set_co_owners(customer=co_owned, co_owners=[owner], by=colleague)
    return plain, important, landline, co_owned


def test_the_departure_cannot_complete_while_anything_is_left(
    leaver_work, owner, colleague, third, manager
):
    """R-ARC-12: everything owned or co-owned is listed; the departure completes only when
    nothing is left, across every registered handover source."""
    departure = departures.start_departure(leaver=owner, by=manager)
    owner.refresh_from_db()
    assert owner.employment_status == EmploymentStatus.LEAVING
    work = {source.key: items for source, items in handover.open_work(owner)}
    assert len(work["archives.customers"]) == 3
    assert len(work["archives.co_owned"]) == 1
    assert len(work["archives.duty"]) == 1
    with pytest.raises(ValidationError) as caught:
        departures.complete_departure(departure=departure, by=manager)
    assert "5" in caught.value.messages[0]
    items = [item for _source, found in handover.open_work(owner) for item in found]
    departures.hand_over(
        departure=departure,
        assignments=departures.round_robin(items, [colleague, third]),
        by=manager,
    )
    assert handover.open_count(owner) == 0
    departures.complete_departure(departure=departure, by=manager)
    owner.refresh_from_db()
    assert owner.employment_status == EmploymentStatus.LEFT and not owner.is_active
    assert not Customer.objects.filter(owner=owner).exists()
    assert not Customer.co_owners.through.objects.filter(user=owner).exists()
    assert not DutySlot.objects.filter(consultant=owner).exists()


def test_other_apps_open_work_also_blocks_the_departure(leaver_work, owner, colleague, manager):
    """R-ARC-12: open work of later apps, through crm.handover, counts too."""
    moved = []
    source = HandoverSource(
        key="tests.followups",
        label="回访任务",
        open_items=lambda user: [] if moved else [HandoverItem("tests.followups", 1, "回访 #1")],
        transfer=lambda items, to_user, by: moved.extend(items) or len(items),
    )
    handover.register(source)
    try:
        departure = departures.start_departure(leaver=owner, by=manager)
        own = [
            item
            for s, found in handover.open_work(owner)
            if s.key != "tests.followups"
            for item in found
        ]
        departures.hand_over(
            departure=departure,
            assignments={(item.source, item.pk): colleague for item in own},
            by=manager,
        )
        with pytest.raises(ValidationError):
            departures.complete_departure(departure=departure, by=manager)
        departures.hand_over(
            departure=departure, assignments={("tests.followups", 1): colleague}, by=manager
        )
        departures.complete_departure(departure=departure, by=manager)
    finally:
        handover._sources.pop("tests.followups")
    assert moved and moved[0].label == "回访 #1"


def test_each_customer_is_told_their_new_consultant(
    leaver_work, owner, colleague, manager, sms_outbox
):
    """R-ARC-12: a "您的新置业顾问是…" text message, or a call task for important customers
    and those without a mobile; every move is an ownership event."""
    plain, important, landline, _co_owned = leaver_work
    colleague.mobile = "+8613909180004"
    colleague.save()
    departure = departures.start_departure(leaver=owner, by=manager)
    departures.hand_over(
        departure=departure,
        assignments={("archives.customers", c.pk): colleague for c in (plain, important, landline)},
        by=manager,
    )
    sms = SmsMessage.objects.get()
    assert sms.phone == "+8613900008001"
    assert "李娜" in sms.body and "13909180004" in sms.body
    calls = ConsultantNotice.objects.filter(method="call", successor=colleague)
    assert {n.customer for n in calls} == {important, landline}
    event = important.ownership_events.get(change=OwnershipChange.TRANSFERRED)
    assert (event.from_owner, event.to_owner, event.rule) == (
        owner,
        colleague,
        OwnershipRule.STAFF_DEPARTURE,
    )
    important.refresh_from_db()
    assert important.owner == colleague and not important.co_owners.filter(pk=colleague.pk).exists()


def test_the_leaver_loses_all_access_when_the_departure_completes(
    client, customer, owner, colleague, manager
):
    """R-ARC-12: when it completes the leaver is inactive: no sign-in, no rows."""
    departure = departures.start_departure(leaver=owner, by=manager)
    items = [item for _s, found in handover.open_work(owner) for item in found]
    departures.hand_over(
        departure=departure, assignments={(i.source, i.pk): colleague for i in items}, by=manager
    )
    client.force_login(owner)
    departures.complete_departure(departure=departure, by=manager)
    response = client.get(reverse("archives:ownership_detail", args=[customer.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    owner.refresh_from_db()
    assert not permissions.visible(owner, "view", Customer.objects.all()).exists()
    client.logout()
    refused = client.post(
        reverse("login"), {"username": owner.username, "password": "Snowball-2026"}
    )
    assert refused.status_code == 200 and "_auth_user_id" not in client.session


def test_only_the_leavers_manager_runs_the_departure(
    customer, owner, colleague, manager, general_manager
):
    with pytest.raises(PermissionDenied):
        departures.start_departure(leaver=owner, by=colleague)
    departure = departures.start_departure(leaver=owner, by=general_manager)
    with pytest.raises(ValidationError):
        departures.start_departure(leaver=owner, by=manager)
    with pytest.raises(ValidationError):
        departures.hand_over(
            departure=departure,
            assignments={("archives.customers", customer.pk): owner},
            by=manager,
        )
    departures.cancel_departure(departure=departure, by=manager)
    owner.refresh_from_db()
    assert owner.employment_status == EmploymentStatus.ACTIVE
    assert Departure.objects.get().status == Departure.Status.CANCELLED


def test_the_new_consultant_records_the_call(leaver_work, owner, colleague, manager):
    _plain, important, _landline, _co = leaver_work
    departure = departures.start_departure(leaver=owner, by=manager)
    departures.hand_over(
        departure=departure,
        assignments={("archives.customers", important.pk): colleague},
        by=manager,
    )
    notice = ConsultantNotice.objects.get(customer=important)
    with pytest.raises(PermissionDenied):
        departures.mark_called(notice=notice, by=manager)
    departures.mark_called(notice=notice, by=colleague, note="已电话告知")
    notice.refresh_from_db()
    assert notice.status == "called" and notice.done_at <= timezone.now()
