"""Personal data (R-ACC-06): masking by role, history rows under the same rules, nothing in
URLs, logs or task arguments, ID numbers re-encrypted under a new key."""

import io
import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.urls import reverse

from archives import services
from archives.access import retention
from archives.access import services as access
from archives.models import AccessScope, Customer, Status
from crm import pii
from crm.models import Notification

MOBILE = "13912345678"
SPOUSE = "13800007777"
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def filled(make_customer, owner):
    customer = make_customer(owner=owner, mobile=MOBILE, id_number=ID_NUMBER)
    spouse = services.save_family_member(
        customer=customer, by=owner, relation="spouse", name="李秀英", phone="13800006666"
    )
    services.save_family_member(customer=customer, by=owner, member=spouse, phone=SPOUSE)
    services.add_phone(customer=customer, kind="home", number="02988886666", by=owner)
    return customer


@pytest.mark.django_db
def test_history_rows_follow_the_same_masking(
    filled, owner, manager, colleague, client, request_access, approve
):
    """R-ACC-06: the history page masks phones for those who see them masked, and never
    shows the ID number."""
    url = reverse("archives:customer_history", args=[filled.pk])
    client.force_login(owner)
    mine = client.get(url).content.decode()
    assert SPOUSE in mine and "02988886666" in mine
    approve(request_access(colleague, filled), manager)
    for person in (manager, colleague):
        client.force_login(person)
        page = client.get(url).content.decode()
        assert "138****7777" in page and SPOUSE not in page and MOBILE not in page
        assert "029****6666" in page and "88886666" not in page
        assert ID_NUMBER not in page


@pytest.mark.django_db
def test_lists_and_detail_mask_for_roles_that_do_not_need_the_full_number(
    filled, owner, manager, client
):
    client.force_login(manager)
    for url in (reverse("archives:customer_list"), filled.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "139****5678" in page and MOBILE not in page and ID_NUMBER not in page
    client.force_login(owner)
    assert MOBILE in client.get(filled.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_no_personal_data_in_urls_logs_messages_or_task_arguments(
    filled,
    owner,
    colleague,
    manager,
    general_manager,
    keeper,
    caplog,
    monkeypatch,
    client,
    private_media,
):
    """R-ACC-06: through request, approval, reveal, print, expiry and destruction."""
    queued = []
    monkeypatch.setattr("crm.queue.enqueue", lambda name, *args: queued.append((name, args)))
    caplog.set_level(logging.DEBUG)
    logging.getLogger("django.db.backends").setLevel(logging.WARNING)
    urls = []
    (request,) = access.file_access_request(
        by=colleague, customers=[filled], reason="回访", scope=AccessScope.EXPORT, days=2
    )
    access.decide_access_request(request=request, by=manager, approve=True)
    client.force_login(colleague)
    for url in (
        filled.get_absolute_url(),
        reverse("archives:archive_print", args=[filled.pk]),
        reverse("archives:archive_export", args=[filled.pk]),
        reverse("archives:customer_history", args=[filled.pk]),
    ):
        urls.append(url)
        client.get(url)
    reveal = reverse("archives:archive_reveal", args=[filled.pk])
    urls.append(reveal)
    client.post(reveal, {"kind": "phone", "pk": filled.phones.first().pk})
    client.post(reveal, {"kind": "id_number"})
    access.revoke_access(request=request, by=manager, note="用毕")
    services.change_status(customer=filled, to=Status.LOST, reason="未成交", by=owner)
    Customer.objects.filter(pk=filled.pk).update(status_changed_at="2010-01-01T00:00:00Z")
    record = retention.request_destruction(customer=filled, by=keeper, reason="到期")
    retention.decide_destruction(record=record, by=manager, approve=True)
    retention.decide_destruction(record=record, by=general_manager, approve=True)
    retention.carry_out_destruction(record=record, by=keeper)

    secrets = [MOBILE, SPOUSE, ID_NUMBER, "88886666", "8613912345678"]
    texts = [record.getMessage() for record in caplog.records]
    texts += [str(args) for _name, args in queued]
    texts += urls
    texts += [f"{n.title} {n.body} {n.url}" for n in Notification.objects.all()]
    from archives.models import AccessLog

    texts += [f"{row.basis} {row.detail}" for row in AccessLog.objects.all()]
    leaks = [text for text in texts for secret in secrets if secret in text]
    assert not leaks
    assert AccessLog.objects.filter(detail="电话 139****5678").exists()  # masked only


@pytest.mark.django_db
def test_id_numbers_are_re_encrypted_under_the_newest_key(make_customer, owner, settings):
    """R-ACC-06: key rotation — a new key first, the command, then the old key can go."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    pii._fernet.cache_clear()
    customer = make_customer(owner=owner, id_number=ID_NUMBER)
    services.update_customer(customer=customer, by=owner, changes={"occupation": "教师"})
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_field_keys", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new]
    pii._fernet.cache_clear()
    try:
        customer.refresh_from_db()
        assert pii.decrypt(customer.id_number_encrypted) == ID_NUMBER
        for row in customer.history.exclude(id_number_encrypted=""):
            assert pii.decrypt(row.id_number_encrypted) == ID_NUMBER
        assert customer.history.count() == 2  # rotation wrote no history of its own
    finally:
        settings.FIELD_ENCRYPTION_KEYS = [old]
        pii._fernet.cache_clear()
