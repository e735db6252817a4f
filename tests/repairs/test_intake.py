"""Writing the order (R-REP-01) and the public-area order (R-REP-05)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import crm.tasks  # noqa: F401  (registers the SMS delivery task)
from crm.models import Notification, SmsMessage
from repairs import services, tenants
from repairs.models import ClockKind, ClockState, OrderStatus, WorkOrder
from tests import searching
from tests.repairs.conftest import png_signature

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_saving_an_order_numbers_it_and_tells_engineering_at_once(
    make_order, supervisor, on_duty, sms_outbox, django_capture_on_commit_callbacks
):
    """R-REP-01: a WX number; the supervisors in the app, the one on duty by SMS."""
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order()
    assert order.number.startswith("WX-") and order.status == OrderStatus.DISPATCH
    assert Notification.objects.filter(recipient=supervisor, title__contains=order.number).exists()
    message = SmsMessage.objects.get(purpose="repairs.new_order")
    assert message.phone == supervisor.mobile and order.number in message.body
    assert sms_outbox and sms_outbox[0][0] == supervisor.mobile


@pytest.mark.django_db
def test_the_order_records_who_wrote_it_and_what_was_reported(make_order, desk, home):
    """R-REP-01 / R-FRM-01: tenant, address, phone, problem, who filled it in and when."""
    order = make_order()
    assert order.filled_by == desk and order.unit == home
    assert order.contact_phone == "+8613912345678"
    assert order.lines.get().code == "SD-02"
    assert order.history.first().history_user == desk


@pytest.mark.django_db
def test_only_the_front_desk_and_the_supervisor_write_orders(make_order, technician, owner):
    with pytest.raises(PermissionDenied):
        make_order(by=technician)
    with pytest.raises(PermissionDenied):
        make_order(by=owner)
    assert not WorkOrder.objects.exists()


@pytest.mark.django_db
def test_an_appointment_must_leave_time_to_arrive_five_minutes_early(appointment_order):
    """R-REP-02: an appointment is met 5 minutes early, so it cannot be sooner than that."""
    with pytest.raises(ValidationError) as caught:
        appointment_order(timezone.now() + dt.timedelta(minutes=3))
    assert "appointment_at" in caught.value.error_dict
    assert not WorkOrder.objects.exists()


@pytest.mark.django_db
def test_a_call_cannot_be_dated_after_now(make_order):
    with pytest.raises(ValidationError) as caught:
        make_order(received_at=timezone.now() + dt.timedelta(minutes=10))
    assert "received_at" in caught.value.error_dict


@pytest.mark.django_db
def test_public_area_orders_have_their_own_number_and_limits(make_public_order):
    """R-REP-05: 公共区域维修单, GW-…, 10 minutes to notify and 15 to be on site."""
    with time_machine.travel(NOW, tick=False):
        order = make_public_order(received_at=NOW - dt.timedelta(minutes=4))
    assert order.number.startswith("GW-") and order.customer is None
    clocks = {c.kind: c for c in order.clocks.all()}
    assert clocks[ClockKind.PUBLIC_NOTIFY].state == ClockState.MET
    assert clocks[ClockKind.PUBLIC_NOTIFY].due_at == NOW + dt.timedelta(minutes=6)
    assert clocks[ClockKind.PUBLIC_ONSITE].due_at == NOW + dt.timedelta(minutes=15)


@pytest.mark.django_db
def test_a_public_order_is_for_a_public_area_or_a_free_location(make_public_order, home):
    with pytest.raises(ValidationError):
        make_public_order(unit=home)
    order = make_public_order(unit=None, location="2栋东侧绿化带路灯")
    assert order.location == "2栋东侧绿化带路灯"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["3栋-1201", "1201", "王丽华", "wanglihua", "wlh", "5678", "13912345678"]
)
def test_the_front_desk_finds_the_tenant_by_unit_name_or_phone(resident, desk, query):
    """R-REP-01: tenant found by unit, name (or pinyin) or phone."""
    found = tenants.find_tenants(desk, query)
    assert [o.customer for o in found] == [resident]


@pytest.mark.django_db
def test_tenant_search_only_shows_customers_the_user_may_see(resident, colleague):
    """Through crm.permissions: a consultant who does not own the customer finds nothing."""
    assert tenants.find_tenants(colleague, "王丽华") == []


def _form_data(resident, home, **extra):
    data = {
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S"),
        "customer": resident.pk,
        "unit": home.pk,
        "location": home.label,
        "contact_name": "王丽华",
        "contact_phone": "13912345678",
        "problem": "厨房水管接头漏水",
        "urgency": "asap",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_the_phone_form_writes_the_order_with_photos(client, desk, resident, home, fitting):
    """R-REP-01: one form, photos checked by their content and kept privately."""
    client.force_login(desk)
    photo = SimpleUploadedFile("leak.png", png_signature(), content_type="image/png")
    response = client.post(
        reverse("repairs:order_create"),
        _form_data(resident, home, price_item=fitting.pk, photos=[photo]),
    )
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and response.url == order.get_absolute_url()
    stored = order.photos.get()
    assert stored.content_type == "image/png" and "leak" not in stored.file.name


@pytest.mark.django_db
def test_a_file_that_is_not_a_photo_is_refused_whatever_its_name(client, desk, resident, home):
    client.force_login(desk)
    fake = SimpleUploadedFile(
        "leak.jpg", b"#!/bin/sh\necho not a photo\n", content_type="image/jpeg"
    )
    response = client.post(
        reverse("repairs:order_create"), _form_data(resident, home, photos=[fake])
    )
    assert response.status_code == 200
    assert "不是照片" in response.content.decode()
    assert not WorkOrder.objects.exists()


@pytest.mark.django_db
def test_bad_input_is_explained_next_to_the_field_in_chinese(client, desk, resident, home):
    client.force_login(desk)
    data = _form_data(resident, home, urgency="appointment", contact_phone="12345")
    response = client.post(reverse("repairs:order_create"), data)
    html = response.content.decode()
    assert "请填写预约维修时间" in html
    assert "不是" in html  # the phone number is not valid
    assert not WorkOrder.objects.exists()


@pytest.mark.django_db
def test_the_tenant_picker_fills_in_address_contact_and_phone(client, desk, resident, home):
    client.force_login(desk)
    html = client.post(
        reverse("repairs:tenant_search"), {"q": "1201"}, headers={"HX-Request": "true"}
    ).content.decode()
    occupancy = resident.occupancies.get()
    assert f"occupancy={occupancy.pk}" in html
    html = client.get(reverse("repairs:tenant_pick"), {"occupancy": occupancy.pk}).content.decode()
    assert home.label in html and "13912345678" in html and f'value="{resident.pk}"' in html


@pytest.mark.django_db
def test_photos_are_downloaded_only_through_the_door_as_attachments(
    client, make_order, desk, colleague
):
    photo = SimpleUploadedFile("x.png", png_signature(), content_type="image/png")
    from repairs.uploads import check_photo

    order = make_order(photos=[check_photo(photo)])
    stored = order.photos.get()
    url = reverse("repairs:photo_download", args=[order.pk, stored.pk])
    client.force_login(desk)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    client.force_login(colleague)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_writing_the_order_is_a_contact_with_the_customer(make_order, resident):
    make_order()
    resident.refresh_from_db()
    assert resident.last_contact_at is not None


@pytest.mark.django_db
def test_without_a_roster_every_supervisor_with_a_mobile_gets_the_sms(make_order, supervisor):
    make_order()
    assert SmsMessage.objects.filter(phone=supervisor.mobile).count() == 1


@pytest.mark.django_db
def test_services_refuse_an_order_without_a_tenant(desk, home):
    with pytest.raises(ValidationError) as caught:
        services.create_order(
            by=desk, location=home.label, contact_name="x", problem="漏水", price_items=[]
        )
    assert "customer" in caught.value.error_dict


@pytest.mark.django_db
def test_the_tenant_lookup_keeps_what_was_typed_out_of_every_url(client, desk, resident):
    """R-ACC-06: the live lookup POSTs (HTMX, with the CSRF header of base.html); without
    JavaScript the search lands on the intake with a token; a GET with words is refused."""
    client.force_login(desk)
    url = reverse("repairs:tenant_search")
    words = ["王丽华"]
    html = client.post(url, {"q": "王丽华"}, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="tenant-result"' in html
    for link in searching.urls_in(html):
        searching.assert_no_words(link, words)
    location, html = searching.search(client, url, {"q": "王丽华"}, words)
    assert location.startswith(reverse("repairs:order_create"))
    assert 'data-testid="tenant-result"' in html and 'value="王丽华"' in html
    assert f"occupancy={resident.occupancies.get().pk}" in html
    form = client.get(reverse("repairs:order_create")).content.decode()
    assert f'hx-post="{url}"' in form and "hx-get" not in form.split('id="tenant-q"')[1][:400]
    assert client.get(url, {"q": "王丽华"}).status_code == 405
