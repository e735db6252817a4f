"""Access requests (档案使用申请): two-level approval, expiring guardian grants, the record
(R-ACC-01, R-ACC-02)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from archives.access import services as access
from archives.models import (
    AccessRequest,
    AccessScope,
    Customer,
    CustomerUserObjectPermission,
    ItemStatus,
    RequestStatus,
    Secrecy,
)
from crm import permissions
from crm.models import Notification
from crm.roles import Role
from tests.factories import DepartmentFactory, UserFactory


def sees(user, customer, action=permissions.VIEW) -> bool:
    return permissions.can(user, action, customer)


@pytest.mark.django_db
def test_consultant_cannot_open_colleagues_archive_without_a_grant(customer, owner, colleague):
    """R-ACC-01: a consultant sees what they own; a colleague needs a grant."""
    assert sees(owner, customer)
    assert not sees(colleague, customer)
    assert not permissions.visible(colleague, "view", Customer.objects.all()).exists()


@pytest.mark.django_db
def test_department_head_approval_grants_reading_until_the_expiry(
    customer, colleague, manager, request_access, approve
):
    """R-ACC-02: the department head approves; the grant is a guardian row with an expiry."""
    request = request_access(colleague, customer, days=7)
    assert request.number.startswith("SQ-")
    assert request.status == RequestStatus.PENDING_HEAD
    assert Notification.objects.filter(recipient=manager, url__contains=str(request.pk)).exists()
    assert not sees(colleague, customer)

    with time_machine.travel(timezone.now(), tick=False):
        approve(request, manager)
        now = timezone.now()
    request.refresh_from_db()
    item = request.items.get()
    assert request.status == RequestStatus.GRANTED
    assert request.signed_off_by == manager
    assert item.status == ItemStatus.GRANTED
    assert item.expires_at == now + dt.timedelta(days=7)
    row = CustomerUserObjectPermission.objects.get(user=colleague, content_object=customer)
    assert (row.permission.codename, row.expires_at, row.source) == (
        "view_customer",
        item.expires_at,
        item,
    )
    assert sees(colleague, customer)
    assert not sees(colleague, customer, permissions.CHANGE)  # a grant reads, never changes
    assert not sees(colleague, customer, permissions.EXPORT)  # view scope: no copies
    assert Notification.objects.filter(recipient=colleague, title__contains="批准").exists()


@pytest.mark.django_db
def test_access_ends_at_the_expiry_even_before_the_sweep_runs(
    customer, colleague, manager, request_access, approve
):
    """R-ACC-02: the rule counts only live grants; the sweep only records the end."""
    request = approve(request_access(colleague, customer, days=3), manager)
    item = request.items.get()
    with time_machine.travel(item.expires_at - dt.timedelta(seconds=1), tick=False):
        assert sees(colleague, customer)
    with time_machine.travel(item.expires_at + dt.timedelta(seconds=1), tick=False):
        assert CustomerUserObjectPermission.objects.filter(user=colleague).exists()
        assert not sees(colleague, customer)  # the row is still there, the access is not
        assert access.end_expired_grants() == 1
        assert access.end_expired_grants() == 0  # a second run finds nothing
    assert not CustomerUserObjectPermission.objects.filter(user=colleague).exists()
    item.refresh_from_db()
    request.refresh_from_db()
    assert item.status == ItemStatus.EXPIRED
    assert item.ended_at == item.expires_at
    assert request.status == RequestStatus.ENDED
    assert Notification.objects.filter(recipient=colleague, title__contains="到期").exists()


@pytest.mark.django_db
def test_the_sweep_leaves_live_grants_alone(customer, colleague, manager, request_access, approve):
    approve(request_access(colleague, customer, days=3), manager)
    assert access.end_expired_grants() == 0
    assert sees(colleague, customer)


@pytest.mark.django_db
def test_confidential_archives_also_need_the_general_manager(
    confidential, colleague, manager, general_manager, request_access, approve
):
    """R-ACC-02, R-ACC-03: 机密 and 绝密 go on to the general manager."""
    request = request_access(colleague, confidential)
    assert request.needs_general_manager
    approve(request, manager)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING_GM
    assert not sees(colleague, confidential)
    assert Notification.objects.filter(recipient=general_manager).exists()
    with pytest.raises(PermissionDenied):
        access.decide_access_request(request=request, by=manager, approve=True)
    approve(request, general_manager)
    request.refresh_from_db()
    assert request.status == RequestStatus.GRANTED
    assert [d.step for d in request.decisions.all()] == ["head", "gm"]
    assert sees(colleague, confidential)


@pytest.mark.django_db
def test_asking_for_confidential_attachments_also_needs_the_general_manager(
    customer, colleague, request_access
):
    """R-ACC-03: the level asked for decides the approval chain, not only the archive's."""
    assert not request_access(colleague, customer).needs_general_manager
    colleague2 = UserFactory(department=colleague.department, roles=[Role.SALES_CONSULTANT])
    request = request_access(colleague2, customer, level=Secrecy.CONFIDENTIAL)
    assert request.needs_general_manager
    assert request.level == Secrecy.CONFIDENTIAL


@pytest.mark.django_db
def test_a_refusal_needs_a_reason_ends_the_request_and_tells_the_requester(
    customer, colleague, manager, request_access
):
    request = request_access(colleague, customer)
    with pytest.raises(ValidationError):
        access.decide_access_request(request=request, by=manager, approve=False, comment=" ")
    access.decide_access_request(request=request, by=manager, approve=False, comment="无业务需要")
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert request.items.get().status == ItemStatus.NOT_GRANTED
    assert not CustomerUserObjectPermission.objects.exists()
    assert Notification.objects.filter(recipient=colleague, title__contains="拒绝").exists()
    with pytest.raises(ValidationError):
        access.decide_access_request(request=request, by=manager, approve=True)


@pytest.mark.parametrize("who", ["colleague", "stranger", "owner", "general_manager"])
@pytest.mark.django_db
def test_only_the_department_head_decides_the_first_step(
    request, who, customer, colleague, manager, request_access
):
    """R-ACC-02: nobody else — not the requester, not the owner — and nothing changes."""
    access_request = request_access(colleague, customer)
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        access.decide_access_request(request=access_request, by=person, approve=True)
    access_request.refresh_from_db()
    assert access_request.status == RequestStatus.PENDING_HEAD
    assert not access_request.decisions.exists()
    assert not CustomerUserObjectPermission.objects.exists()


@pytest.mark.django_db
def test_the_general_manager_decides_for_a_department_without_a_head(
    make_customer, colleague, general_manager, other_sales, request_access
):
    lonely = UserFactory(department=other_sales, roles=[Role.SALES_CONSULTANT])
    archive = make_customer(owner=lonely, secrecy=Secrecy.CONFIDENTIAL)
    request = request_access(colleague, archive)
    assert access.deciders(request, "head") == [general_manager]
    access.decide_access_request(request=request, by=general_manager, approve=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.GRANTED  # one signature covers both steps
    assert sees(colleague, archive)


@pytest.mark.django_db
def test_archives_of_two_departments_become_two_requests(
    customer, make_customer, colleague, other_sales, manager
):
    other_head = UserFactory(department=other_sales, roles=[Role.SALES_MANAGER])
    other_sales.head = other_head
    other_sales.save()
    elsewhere = make_customer(
        owner=UserFactory(department=other_sales, roles=[Role.SALES_CONSULTANT])
    )
    filed = access.file_access_request(
        by=colleague, customers=[customer, elsewhere], reason="联合活动", days=5
    )
    assert sorted(r.department_id for r in filed) == sorted([manager.department_id, other_sales.pk])
    assert len({r.number for r in filed}) == 2


@pytest.mark.django_db
def test_the_period_is_limited_by_the_configured_maximum(customer, colleague, settings):
    """R-ACC-02: a period up to a configurable maximum."""
    settings.ARCHIVE_ACCESS_MAX_DAYS = 10
    with pytest.raises(ValidationError) as caught:
        access.file_access_request(by=colleague, customers=[customer], reason="回访", days=11)
    assert "days" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        access.file_access_request(by=colleague, customers=[customer], reason=" ", days=5)
    assert "reason" in caught.value.message_dict
    assert not AccessRequest.objects.exists()
    access.file_access_request(by=colleague, customers=[customer], reason="回访", days=10)


@pytest.mark.django_db
def test_no_request_for_what_one_already_sees_or_already_asked(
    customer, owner, colleague, request_access
):
    with pytest.raises(ValidationError):
        access.file_access_request(by=owner, customers=[customer], reason="x", days=1)
    request_access(colleague, customer)
    with pytest.raises(ValidationError) as caught:
        request_access(colleague, customer)
    assert "numbers" in caught.value.message_dict


@pytest.mark.django_db
def test_revoking_ends_access_at_once_and_is_recorded(
    customer, colleague, manager, request_access, approve
):
    """R-ACC-02: the record keeps who revoked, when and why."""
    request = approve(request_access(colleague, customer, scope=AccessScope.EXPORT), manager)
    assert sees(colleague, customer, permissions.EXPORT)
    with pytest.raises(PermissionDenied):
        access.revoke_access(request=request, by=colleague, note="x")
    access.revoke_access(request=request, by=manager, note="客户投诉，收回")
    item = request.items.get()
    request.refresh_from_db()
    assert not sees(colleague, customer)
    assert not sees(colleague, customer, permissions.EXPORT)
    assert (item.status, item.ended_by, item.end_note) == (
        ItemStatus.REVOKED,
        manager,
        "客户投诉，收回",
    )
    assert request.status == RequestStatus.ENDED


@pytest.mark.django_db
def test_the_requester_may_withdraw_a_pending_request(customer, colleague, manager, request_access):
    request = request_access(colleague, customer)
    with pytest.raises(PermissionDenied):
        access.withdraw_access_request(request=request, by=manager)
    access.withdraw_access_request(request=request, by=colleague)
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        access.decide_access_request(request=request, by=manager, approve=True)


@pytest.mark.django_db
def test_a_later_grant_replaces_the_earlier_one(
    customer, colleague, manager, request_access, approve
):
    first = approve(request_access(colleague, customer, scope=AccessScope.EXPORT), manager)
    access.revoke_access(request=first, by=manager, note="重新申请")
    second = approve(request_access(colleague, customer, days=2), manager)
    third = approve(request_access_again(colleague, customer), manager)
    assert second.items.get().status == ItemStatus.SUPERSEDED
    assert third.items.get().status == ItemStatus.GRANTED
    rows = CustomerUserObjectPermission.objects.filter(user=colleague)
    assert [row.source_id for row in rows] == [third.items.get().pk]


def request_access_again(user, customer):
    (request,) = access.file_access_request(
        by=user, customers=[customer], reason="延长", scope=AccessScope.VIEW, days=5
    )
    return request


@pytest.mark.django_db
def test_the_whole_record_is_visible_to_managers_not_to_colleagues(
    customer, colleague, manager, general_manager, keeper, stranger, request_access
):
    """R-ACC-02: request, decisions and grant are kept and visible to managers."""
    request = request_access(colleague, customer)
    for person in (colleague, manager, general_manager, keeper):
        assert permissions.can(person, "view", request)
    assert not permissions.can(stranger, "view", request)
    other = UserFactory(department=DepartmentFactory(code="x"), roles=[Role.SALES_MANAGER])
    assert not permissions.can(other, "view", request)


@pytest.mark.django_db
def test_the_beat_sweep_is_scheduled_and_ends_expired_grants(
    customer, colleague, manager, request_access, approve, settings
):
    """R-ACC-02: a beat entry runs the expiry sweep (a task without arguments)."""
    from crm.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["archives-end-expired-grants"]
    app.loader.import_default_modules()
    task = app.tasks[entry["task"]]
    request = approve(request_access(colleague, customer, days=1), manager)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=False):
        assert task.apply().get() == 1
    assert request.items.get().status == ItemStatus.EXPIRED
