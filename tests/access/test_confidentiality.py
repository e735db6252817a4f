"""Confidentiality levels 公开 / 秘密 / 机密 / 绝密 on archives and attachments (R-ACC-03)."""

import datetime as dt

import pytest
from django.urls import reverse

from archives import services
from archives.access import services as access
from archives.models import AccessAction, AccessLog, AccessScope, Attachment, Customer, Secrecy
from crm import permissions
from crm.roles import Role
from tests.factories import UnitFactory


def visible_attachments(user, customer):
    queryset = Attachment.objects.filter(customer=customer)
    return set(permissions.visible(user, "view", queryset).values_list("secrecy", flat=True))


@pytest.mark.django_db
def test_top_secret_archives_only_for_those_the_general_manager_names(
    top_secret, owner, manager, keeper, general_manager, colleague, request_access, approve
):
    """R-ACC-03 (§10 知晓范围): 绝密 — not even the department manager or the archive keeper;
    the owner, the general manager, and people whose request the general manager approved."""
    assert permissions.can(owner, "view", top_secret)
    assert permissions.can(general_manager, "view", top_secret)
    assert not permissions.can(manager, "view", top_secret)
    assert not permissions.can(keeper, "view", top_secret)
    request = request_access(colleague, top_secret)
    assert request.needs_general_manager
    approve(request, manager, general_manager)
    assert permissions.can(colleague, "view", top_secret)


@pytest.mark.django_db
def test_confidential_archives_for_the_responsible_manager_not_for_property_staff(
    make_customer, owner, manager, make_user
):
    """R-ACC-03: 机密 — the responsible manager sees it; front desk, who see residents up to
    秘密, do not."""
    front_desk = make_user(Role.FRONT_DESK)
    resident = make_customer(owner=owner, secrecy=Secrecy.SECRET)
    guarded = make_customer(owner=owner, secrecy=Secrecy.CONFIDENTIAL)
    for customer in (resident, guarded):
        services.move_in(
            customer=customer,
            unit=UnitFactory(),
            role="owner",
            moved_in=dt.date(2026, 1, 5),
            by=owner,
        )
    assert permissions.can(front_desk, "view", resident)
    assert not permissions.can(front_desk, "view", guarded)
    assert permissions.can(manager, "view", guarded)


@pytest.mark.django_db
def test_an_attachment_above_the_grants_level_stays_hidden(
    customer, owner, colleague, manager, upload, private_media, request_access, approve, client
):
    """R-ACC-03: the grant stores the level approved; attachments above it are not shown,
    listed or downloadable."""
    for level in Secrecy.values:
        upload(customer, owner, secrecy=level)
    approve(request_access(colleague, customer, level=Secrecy.SECRET), manager)
    assert visible_attachments(colleague, customer) == {Secrecy.PUBLIC, Secrecy.SECRET}
    assert visible_attachments(owner, customer) == set(Secrecy.values)
    assert visible_attachments(manager, customer) == {
        Secrecy.PUBLIC,
        Secrecy.SECRET,
        Secrecy.CONFIDENTIAL,
    }
    hidden = Attachment.objects.get(customer=customer, secrecy=Secrecy.CONFIDENTIAL)
    shown = Attachment.objects.get(customer=customer, secrecy=Secrecy.SECRET)
    client.force_login(colleague)
    page = client.get(reverse("archives:customer_detail", args=[customer.pk])).content.decode()
    assert reverse("archives:attachment_download", args=[customer.pk, shown.pk]) in page
    assert reverse("archives:attachment_download", args=[customer.pk, hidden.pk]) not in page
    url = reverse("archives:attachment_download", args=[customer.pk, hidden.pk])
    assert client.get(url).status_code == 404
    response = client.get(reverse("archives:attachment_download", args=[customer.pk, shown.pk]))
    assert response.status_code == 200
    log = AccessLog.objects.get(action=AccessAction.DOWNLOAD)
    assert log.basis.endswith(access.AccessRequestItem.objects.get().request.number)


@pytest.mark.django_db
def test_raising_the_level_above_a_grant_closes_it(
    customer, owner, colleague, manager, request_access, approve
):
    """R-ACC-03: a grant approved for 公开 does not open the archive once it is 机密."""
    approve(request_access(colleague, customer), manager)
    assert permissions.can(colleague, "view", customer)
    services.update_customer(
        customer=customer, by=owner, changes={"secrecy": Secrecy.CONFIDENTIAL}, reason="升密"
    )
    assert not permissions.can(colleague, "view", Customer.objects.get(pk=customer.pk))


@pytest.mark.parametrize(
    "level, owner_may_export",
    [(Secrecy.PUBLIC, True), (Secrecy.SECRET, False), (Secrecy.CONFIDENTIAL, False)],
)
@pytest.mark.django_db
def test_export_print_and_copy_of_a_protected_archive_need_approval(
    level, owner_may_export, make_customer, owner, manager, general_manager, request_access, approve
):
    """R-ACC-03 (§10 保管备份): above 公开, even the owner and the department manager export,
    print or copy only with an approved export request; the general manager needs none."""
    archive = make_customer(owner=owner, secrecy=level)
    assert permissions.can(owner, "export", archive) is owner_may_export
    assert permissions.can(manager, "export", archive) is owner_may_export
    assert permissions.can(general_manager, "export", archive)
    if not owner_may_export:
        chain = [manager, general_manager] if level == Secrecy.CONFIDENTIAL else [manager]
        approve(request_access(owner, archive, scope=AccessScope.EXPORT), *chain)
        assert permissions.can(owner, "export", archive)


@pytest.mark.django_db
def test_the_print_view_needs_the_export_right_and_is_logged(
    make_customer, owner, colleague, manager, request_access, approve, client
):
    """R-ACC-03, R-ACC-04: the A4 archive sheet is a copy: 403 without approval (404 for
    strangers), logged when printed."""
    archive = make_customer(owner=owner, name="王秘", secrecy=Secrecy.SECRET)
    url = reverse("archives:archive_print", args=[archive.pk])
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    client.force_login(owner)
    refused = client.get(url)
    assert refused.status_code == 403
    assert "申请导出/打印" in refused.content.decode()
    assert not AccessLog.objects.exists()
    approve(request_access(owner, archive, scope=AccessScope.EXPORT), manager)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "客户档案表" in html and "王秘" in html and archive.number in html
    log = AccessLog.objects.get()
    assert (log.action, log.user, log.customer) == (AccessAction.PRINT, owner, archive)
    assert "SQ-" in log.basis


@pytest.mark.django_db
def test_the_xlsx_export_is_a_download_and_is_logged(customer, owner, client):
    """R-ACC-04: an export is registered; the file is sent as an attachment, never inline."""
    client.force_login(owner)
    response = client.get(reverse("archives:archive_export", args=[customer.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"
    assert AccessLog.objects.get().action == AccessAction.EXPORT
