"""Telling people things: in-app notifications, email and SMS. Later apps send through here.

Everything that leaves the building (email, SMS) is queued after commit and delivered by a
task that takes primary keys only; the SMS sweep retries whatever a broker outage left behind.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone, translation

from crm.models import Notification, NotificationLevel, SmsMessage, SmsStatus
from crm.phones import normalize_phone
from crm.queue import enqueue
from crm.sms import SmsError, get_backend


def notify(
    recipients: Iterable,
    title: str,
    *,
    body: str = "",
    params: dict | None = None,
    url: str = "",
    level: str = NotificationLevel.INFO,
    email: bool = False,
) -> list[Notification]:
    """Put a notification in each recipient's bell (once per person), optionally by email.

    Pass `title` and `body` as lazy translations with `params`, so each person reads the
    message in their own language.
    """
    people = {person.pk: person for person in recipients if person is not None}
    rows = []
    for person in people.values():
        with translation.override(person.language or settings.LANGUAGE_CODE):
            rows.append(
                Notification(
                    recipient=person,
                    title=_render(title, params),
                    body=_render(body, params),
                    url=url,
                    level=level,
                )
            )
    created = Notification.objects.bulk_create(rows)
    if email:
        for notification in created:
            enqueue("crm.tasks.email_notification", notification.pk)
    return created


def _render(text, params: dict | None) -> str:
    text = str(text)
    return text % params if params else text


def mark_read(user, pks: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user).unread()
    if pks is not None:
        unread = unread.filter(pk__in=list(pks))
    return unread.update(read_at=timezone.now())


def email_notification(notification_pk: int) -> None:
    notification = Notification.objects.select_related("recipient").get(pk=notification_pk)
    if not notification.recipient.email:
        return
    send_mail(
        subject=notification.title,
        message=notification.body or notification.title,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.recipient.email],
        fail_silently=False,
    )


def send_sms(phone: str, body: str, *, purpose: str = "", created_by=None) -> SmsMessage:
    """Record a text message and queue its delivery after commit."""
    message = SmsMessage.objects.create(
        phone=normalize_phone(phone),
        body=body,
        purpose=purpose,
        created_by=created_by,
        backend=settings.SMS_BACKEND,
    )
    enqueue("crm.tasks.deliver_sms", message.pk)
    return message


def deliver_sms(message_pk: int) -> bool:
    """Deliver one message. A conditional update claims it, so two workers never send it twice."""
    claimed = SmsMessage.objects.filter(
        pk=message_pk, status__in=[SmsStatus.PENDING, SmsStatus.FAILED], attempts__lt=5
    ).update(status=SmsStatus.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return False
    message = SmsMessage.objects.get(pk=message_pk)
    try:
        get_backend().send(message.phone, message.body)
    except SmsError as exc:
        SmsMessage.objects.filter(pk=message_pk).update(status=SmsStatus.FAILED, error=str(exc))
        return False
    SmsMessage.objects.filter(pk=message_pk).update(
        status=SmsStatus.SENT, sent_at=timezone.now(), error=""
    )
    return True


def pending_sms_ids(limit: int = 500) -> list[int]:
    return list(
        SmsMessage.objects.filter(
            status__in=[SmsStatus.PENDING, SmsStatus.FAILED], attempts__lt=5
        ).values_list("pk", flat=True)[:limit]
    )
