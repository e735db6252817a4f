"""Retention and destruction (R-ACC-05, §6 3.2.8)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from archives import services
from archives.access import retention
from archives.models import (
    Attachment,
    Customer,
    CustomerPhone,
    DestructionRequest,
    DestructionStatus,
    FamilyMember,
    Status,
)


def close(customer, owner, years_ago: float, to=Status.LOST):
    services.change_status(customer=customer, to=to, reason="未成交", by=owner)
    when = timezone.now() - dt.timedelta(days=365.25 * years_ago)
    Customer.objects.filter(pk=customer.pk).update(status_changed_at=when)
    customer.refresh_from_db()
    return customer


@pytest.fixture
def old(make_customer, owner, upload, private_media):
    customer = make_customer(
        owner=owner, name="赵旧客", mobile="13911112222", id_number="11010519491231002X"
    )
    services.save_family_member(
        customer=customer, by=owner, relation="spouse", name="钱旧妻", phone="13833334444"
    )
    services.update_customer(
        customer=customer, by=owner, changes={"address": "西安市碑林区旧址1号"}
    )
    upload(customer, owner)
    return close(customer, owner, 11)


@pytest.mark.django_db
def test_archives_closed_ten_years_ago_are_due(make_customer, owner, old, settings):
    """R-ACC-05: lost or moved out for 10 years (configurable) → due for destruction."""
    recent = close(make_customer(owner=owner), owner, 9)
    open_ = make_customer(owner=owner)
    due = set(retention.due_for_destruction().values_list("pk", flat=True))
    assert old.pk in due and recent.pk not in due and open_.pk not in due
    settings.ARCHIVE_RETENTION_YEARS = 8
    assert recent.pk in set(retention.due_for_destruction().values_list("pk", flat=True))


@pytest.mark.django_db
def test_nothing_is_destroyed_without_both_approvals(old, keeper, manager, general_manager):
    """R-ACC-05: department head, then general manager; only then can it be carried out."""
    record = retention.request_destruction(customer=old, by=keeper, reason="保管期满")
    assert record.number.startswith("XH-")
    with pytest.raises(PermissionDenied):
        retention.carry_out_destruction(record=record, by=keeper)
    with pytest.raises(PermissionDenied):  # the general manager does not skip the head
        retention.decide_destruction(record=record, by=general_manager, approve=True)
    retention.decide_destruction(record=record, by=manager, approve=True)
    with pytest.raises(PermissionDenied):
        retention.carry_out_destruction(record=record, by=keeper)
    assert Customer.objects.get(pk=old.pk).name == "赵旧客"
    retention.decide_destruction(record=record, by=general_manager, approve=True)
    record.refresh_from_db()
    assert record.status == DestructionStatus.APPROVED
    retention.carry_out_destruction(record=record, by=keeper)
    record.refresh_from_db()
    assert record.status == DestructionStatus.DESTROYED


@pytest.mark.django_db
def test_a_forged_approval_state_still_destroys_nothing(old, keeper, manager):
    record = retention.request_destruction(customer=old, by=keeper, reason="保管期满")
    retention.decide_destruction(record=record, by=manager, approve=True)
    DestructionRequest.objects.filter(pk=record.pk).update(status=DestructionStatus.APPROVED)
    with pytest.raises(ValidationError):
        retention.carry_out_destruction(record=record, by=keeper)
    assert CustomerPhone.objects.filter(customer=old).exists()


@pytest.mark.django_db
def test_destruction_erases_personal_data_history_and_files_but_keeps_the_record(
    old, keeper, manager, general_manager, owner, django_capture_on_commit_callbacks
):
    """R-ACC-05: personal data gone — also from the history tables and the file storage —
    while the destruction record keeps number, dates, reason and approvers."""
    files = list(Attachment.objects.filter(customer=old).values_list("file", flat=True))
    assert all(default_storage.exists(name) for name in files)
    record = retention.request_destruction(customer=old, by=keeper, reason="保管期满")
    retention.decide_destruction(record=record, by=manager, approve=True, comment="同意")
    retention.decide_destruction(record=record, by=general_manager, approve=True)
    with django_capture_on_commit_callbacks(execute=True):  # files go once the erasure commits
        retention.carry_out_destruction(record=record, by=keeper)

    customer = Customer.objects.get(pk=old.pk)
    assert customer.name == "已销毁档案" and customer.number == record.customer_number
    assert not customer.id_number_encrypted and not customer.address
    assert not CustomerPhone.objects.filter(customer=customer).exists()
    assert not FamilyMember.objects.filter(customer=customer).exists()
    assert not CustomerPhone.history.filter(customer_id=customer.pk).exists()
    assert not FamilyMember.history.filter(customer_id=customer.pk).exists()
    history = list(customer.history.values_list("name", "address", "id_number_encrypted"))
    assert history and set(history) == {("已销毁档案", "", "")}
    assert not any(default_storage.exists(name) for name in files)
    assert not Attachment.history.filter(customer_id=customer.pk).exclude(file="").exists()

    record.refresh_from_db()
    assert record.customer_number == customer.number
    assert record.closed_on == timezone.localdate(old.status_changed_at)
    assert [d.by for d in record.decisions.all()] == [manager, general_manager]
    assert record.erased["phones"] == 1 and record.erased["family"] == 1


@pytest.mark.django_db
def test_only_custodians_and_managers_request_destruction(old, owner):
    with pytest.raises(PermissionDenied):
        retention.request_destruction(customer=old, by=owner, reason="x")


@pytest.mark.django_db
def test_an_archive_not_due_cannot_be_destroyed(make_customer, owner, keeper):
    young = close(make_customer(owner=owner), owner, 2)
    with pytest.raises(ValidationError):
        retention.request_destruction(customer=young, by=keeper, reason="x")


@pytest.mark.django_db
def test_the_retention_screen_lists_due_archives_and_the_record_prints(
    old, keeper, manager, general_manager, client
):
    """R-ACC-05, R-FRM-03: due list for the keeper; the destruction record on A4."""
    client.force_login(keeper)
    page = client.get(reverse("archives:retention")).content.decode()
    assert old.number in page and "到期待销毁" in page
    response = client.post(
        reverse("archives:destruction_new", args=[old.pk]), {"reason": "保管期满"}
    )
    record = DestructionRequest.objects.get()
    assert response.url == reverse("archives:destruction_detail", args=[record.pk])
    client.force_login(manager)
    client.post(reverse("archives:destruction_decide", args=[record.pk]), {"decision": "approve"})
    client.force_login(general_manager)
    client.post(reverse("archives:destruction_decide", args=[record.pk]), {"decision": "approve"})
    client.force_login(keeper)
    url = reverse("archives:destruction_carry_out", args=[record.pk])
    client.post(url, {"confirm": "wrong"})
    assert Customer.objects.get(pk=old.pk).name == "赵旧客"
    client.post(url, {"confirm": old.number})
    assert Customer.objects.get(pk=old.pk).name == "已销毁档案"
    sheet = client.get(reverse("archives:destruction_print", args=[record.pk])).content.decode()
    assert record.number in sheet and old.number in sheet and "王建国" in sheet
    assert "赵旧客" not in sheet


@pytest.mark.django_db
def test_the_retention_list_costs_the_same_queries_for_1_and_20_due_archives(
    make_customer, owner, keeper, client
):
    """Query count independent of the rows on the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(keeper)
    url = reverse("archives:retention")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    count()  # warm the content-type cache
    close(make_customer(owner=owner), owner, 11)
    one = count()
    for _ in range(19):
        close(make_customer(owner=owner), owner, 11)
    assert count() == one
