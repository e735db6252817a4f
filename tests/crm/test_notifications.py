"""In-app notifications, email and SMS: the channels later apps send through."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm import notifications
from crm.models import Notification, SmsMessage, SmsStatus
from crm.tasks import deliver_pending_sms


@pytest.mark.django_db
def test_each_person_reads_a_notification_in_their_own_language(owner, colleague):
    colleague.language = "en"
    colleague.save()
    notifications.notify(
        [owner, colleague, owner], _("Hello, %(name)s"), params={"name": "王"}, email=True
    )
    assert Notification.objects.get(recipient=owner).title == "您好，王"
    assert Notification.objects.get(recipient=colleague).title == "Hello, 王"
    assert Notification.objects.count() == 2


@pytest.mark.django_db
def test_email_goes_out_after_commit(owner, django_capture_on_commit_callbacks):
    owner.email = "zw@example.com"
    owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify([owner], "新客户分配", email=True)
    assert [m.to for m in mail.outbox] == [["zw@example.com"]]


@pytest.mark.django_db
def test_bell_shows_unread_count_and_opening_marks_read(client, owner):
    notifications.notify([owner], "撞单待裁决", url="/dashboard/")
    client.force_login(owner)
    page = client.get(reverse("crm:dashboard"))
    assert b'data-testid="unread-count">1<' in page.content
    notification = Notification.objects.get()
    response = client.post(reverse("crm:notification_open", args=[notification.pk]))
    assert response.url == "/dashboard/"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.django_db
def test_nobody_opens_someone_elses_notification(client, owner, colleague):
    notifications.notify([owner], "私人通知")
    client.force_login(colleague)
    response = client.post(reverse("crm:notification_open", args=[Notification.objects.get().pk]))
    assert response.status_code == 404
    assert Notification.objects.get().read_at is None


@pytest.mark.django_db
def test_sms_is_recorded_and_delivered(owner, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = notifications.send_sms("13812345678", "您好，您的新置业顾问是张伟。")
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert sms_outbox == [("+8613812345678", "您好，您的新置业顾问是张伟。")]


@pytest.mark.django_db
def test_failed_sms_stays_pending_until_the_sweep_delivers_it(
    settings, sms_outbox, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "crm.sms.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message = notifications.send_sms("13812345678", "催缴提醒")
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED
    settings.SMS_BACKEND = "crm.sms.MemoryBackend"
    assert deliver_pending_sms() == 1
    assert SmsMessage.objects.get().status == SmsStatus.SENT
    assert deliver_pending_sms() == 0  # sent once, never twice


@pytest.mark.django_db
def test_a_broker_that_is_down_never_breaks_the_save(
    monkeypatch, django_capture_on_commit_callbacks
):
    from crm.celery import app

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(app, "send_task", broker_down)
    app.conf.task_always_eager = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            message = notifications.send_sms("13812345678", "您好")
    finally:
        app.conf.task_always_eager = True
    assert SmsMessage.objects.get(pk=message.pk).status == SmsStatus.PENDING


def test_file_backend_masks_the_number(settings, tmp_path):
    from crm.sms import FileBackend

    settings.SMS_OUTBOX = tmp_path / "outbox.log"
    FileBackend().send("+8613812345678", "测试")
    line = settings.SMS_OUTBOX.read_text(encoding="utf-8")
    assert "138****5678" in line
    assert "13812345678" not in line
