"""Each ownership screen's workflow through the browser's requests: pool claims and
assignments, contacts and the important flag, release, the rotation's HTMX actions, sheets,
referral pages and the departure workflow."""

import pytest
from django.urls import reverse
from django.utils import timezone

from archives.models import Channel, ConsultantNotice, DailySheet, Departure, OwnerPeriod
from archives.ownership import core, rotation, services, sheets
from crm.models import EmploymentStatus
from crm.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def pooled(rules, make_customer, receptionist):
    customer = make_customer(owner=None, name="梁晨", mobile="13900009001", registrar=receptionist)
    core.sync_periods()
    return customer


def pool_period(customer):
    return OwnerPeriod.objects.in_pool().get(customer=customer)


def test_a_consultant_claims_from_the_pool_screen(client, colleague, pooled):
    """R-ARC-08: the pool lists the customer masked; a claim makes them the consultant's."""
    client.force_login(colleague)
    page = client.get(reverse("archives:pool")).content.decode()
    assert "梁*" in page and "梁晨" not in page
    response = client.post(reverse("archives:pool_claim", args=[pool_period(pooled).pk]))
    assert response.status_code == 302
    pooled.refresh_from_db()
    assert pooled.owner == colleague
    assert "梁晨" in client.get(response["Location"]).content.decode()


def test_the_manager_assigns_from_the_pool(client, manager, colleague, pooled):
    client.force_login(manager)
    response = client.post(
        reverse("archives:pool_assign", args=[pool_period(pooled).pk]), {"to": colleague.pk}
    )
    assert response.status_code == 302
    pooled.refresh_from_db()
    assert pooled.owner == colleague


def test_a_consultant_cannot_assign_from_the_pool(client, owner, colleague, pooled):
    client.force_login(owner)
    response = client.post(
        reverse("archives:pool_assign", args=[pool_period(pooled).pk]), {"to": colleague.pk}
    )
    assert response.status_code == 403
    pooled.refresh_from_db()
    assert pooled.owner is None


def test_marking_important_without_a_second_contact_is_refused_on_the_form(
    client, owner, colleague, customer
):
    """R-ARC-11: the message says why, in Chinese, next to the form; nothing is saved."""
    client.force_login(owner)
    url = reverse("archives:ownership_contacts", args=[customer.pk])
    response = client.post(url, {"is_important": "on"})
    assert response.status_code == 200
    assert "重要客户须有 2 名以上员工与其联系" in response.content.decode()
    customer.refresh_from_db()
    assert not customer.is_important
    response = client.post(url, {"is_important": "on", "co_owners": [colleague.pk]})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.is_important


def test_the_owner_releases_and_the_manager_reassigns(client, owner, colleague, manager, customer):
    client.force_login(manager)
    client.post(reverse("archives:ownership_assign", args=[customer.pk]), {"to": colleague.pk})
    customer.refresh_from_db()
    assert customer.owner == colleague
    client.force_login(colleague)
    response = client.post(
        reverse("archives:ownership_release", args=[customer.pk]), {"reason": "客户已购别处"}
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.owner is None


def test_the_ownership_page_shows_periods_events_and_registrations(
    client, owner, project, customer, colleague
):
    services.register_at_desk(
        by=colleague, mobile="13912345678", channel=Channel.CALL, project=project
    )
    client.force_login(owner)
    page = client.get(reverse("archives:ownership_detail", args=[customer.pk])).content.decode()
    assert "撞单" in page and "李娜" in page
    detail = client.get(customer.get_absolute_url()).content.decode()
    assert "撞单，裁决前仍归 张伟" in detail  # the customer's timeline


def test_rotation_actions_answer_htmx_with_the_roster(client, manager, receptionist, roster, third):
    client.force_login(receptionist)
    slot = rotation.slots_of(roster)[0]
    response = client.post(
        reverse("archives:rotation_away", args=[slot.pk]), {"away": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'data-testid="roster"' in response.content.decode()
    assert "<html" not in response.content.decode()
    client.force_login(manager)
    client.post(reverse("archives:rotation_remove", args=[rotation.slots_of(roster)[2].pk]))
    client.post(reverse("archives:rotation_add", args=[roster.pk]), {"consultant": third.pk})
    assert rotation.slots_of(roster)[-1].consultant == third
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    response = client.post(
        reverse("archives:rotation_create"),
        {"project": roster.project_id, "day": tomorrow.isoformat()},
    )
    assert response.status_code == 302
    assert rotation.roster_for(roster.project, tomorrow) is not None


def test_todays_sheet_is_submitted_printed_and_received(
    client, owner, receptionist, project, roster, make_user
):
    """R-ARC-10: the consultant opens today's sheet, submits it; the archive keeper receives."""
    services.register_at_desk(
        by=receptionist,
        mobile="13800005555",
        name="王小明",
        channel=Channel.WALK_IN,
        project=project,
    )
    client.force_login(owner)
    response = client.get(reverse("archives:sheet_today"))
    sheet = DailySheet.objects.get(consultant=owner, day=timezone.localdate())
    assert response["Location"] == reverse("archives:sheet_detail", args=[sheet.pk])
    assert client.post(reverse("archives:sheet_submit", args=[sheet.pk])).status_code == 302
    printed = client.get(reverse("archives:sheet_print", args=[sheet.pk])).content.decode()
    assert "客户信息登记表" in printed and "王小明" in printed
    keeper = make_user(Role.ARCHIVE_KEEPER)
    client.force_login(keeper)
    client.post(reverse("archives:sheet_sign_off", args=[sheet.pk]))
    sheet.refresh_from_db()
    assert sheet.signed_off_by == keeper


def test_a_consultant_off_duty_with_no_registrations_owes_no_sheet(client, owner):
    client.force_login(owner)
    assert client.get(reverse("archives:sheet_today")).status_code == 302
    assert not DailySheet.objects.exists()


def test_referral_pages_render(client, owner, manager, receptionist, project, roster, customer):
    services.register_at_desk(
        by=receptionist,
        mobile="13800006666",
        name="宋佳",
        channel=Channel.WALK_IN,
        project=project,
        referrer=customer,
        asks_for_referrer_consultant=True,
    )
    client.force_login(owner)
    tree = client.get(reverse("archives:referral_tree", args=[customer.pk])).content.decode()
    assert "宋佳" in tree
    for name in ("referral_list", "key_people", "cooperation"):
        assert client.get(reverse(f"archives:{name}")).status_code == 200


def test_the_departure_workflow_through_the_screens(
    client, manager, owner, colleague, third, customer, make_customer
):
    """R-ARC-12: start, hand over by round-robin, refuse to complete early, complete."""
    make_customer(owner=owner, name="王丽华", mobile="13900009101")
    client.force_login(manager)
    client.post(reverse("archives:departure_start"), {"leaver": owner.pk, "note": "个人原因"})
    departure = Departure.objects.get()
    page = client.get(reverse("archives:departure_detail", args=[departure.pk])).content.decode()
    assert "王丽华" in page and "张三" in page
    url = reverse("archives:departure_hand_over", args=[departure.pk])
    first_item = f"item-archives.customers-{customer.pk}"
    client.post(url, {first_item: colleague.pk})
    client.post(reverse("archives:departure_complete", args=[departure.pk]))
    owner.refresh_from_db()
    assert owner.employment_status == EmploymentStatus.LEAVING  # one archive still left
    client.post(url, {"rule": "round_robin", "successors": [third.pk]})
    client.post(reverse("archives:departure_complete", args=[departure.pk]))
    owner.refresh_from_db()
    assert owner.employment_status == EmploymentStatus.LEFT and not owner.is_active


def test_the_new_consultant_marks_the_call_done_from_the_dashboard(
    client, manager, owner, colleague, customer
):
    services.set_contacts(customer=customer, co_owners=[manager], important=True, by=owner)
    from archives.ownership import departures

    started = departures.start_departure(leaver=owner, by=manager)
    departures.hand_over(
        departure=started,
        assignments={("archives.customers", customer.pk): colleague},
        by=manager,
    )
    notice = ConsultantNotice.objects.get()
    client.force_login(colleague)
    assert "张三" in client.get(reverse("crm:dashboard")).content.decode()
    response = client.post(
        reverse("archives:notice_called", args=[notice.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("crm:dashboard")
    notice.refresh_from_db()
    assert notice.status == "called"


def test_the_screens_speak_english_when_asked(client, receptionist, roster, settings):
    client.force_login(receptionist)
    page = client.get(reverse("archives:desk")).content.decode()
    assert "登记台" in page and "当班" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("archives:desk")).content.decode()
    assert "Registration desk" in page and "On duty today" in page and "登记台" not in page


def test_sheets_of_a_month_for_the_manager(client, manager, owner):
    sheets.ensure_sheet(owner, timezone.localdate())
    client.force_login(manager)
    page = client.get(reverse("archives:sheet_month")).content.decode()
    assert 'data-testid="month-zhangwei"' in page
