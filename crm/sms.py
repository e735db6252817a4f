"""SMS backends. Snowball never talks to a carrier directly: crm.notifications.send_sms records
the message, and the backend named by settings.SMS_BACKEND delivers it.

The default FileBackend appends each message to var/sms-outbox.log, with the number masked
(the log is not a place for personal data); the full record stays in SmsMessage.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from crm.phones import mask_phone


class SmsError(Exception):
    """Delivery failed; the message stays pending and is tried again by the sweep."""


class BaseSmsBackend:
    def send(self, phone: str, body: str) -> None:
        raise NotImplementedError


class FileBackend(BaseSmsBackend):
    def send(self, phone: str, body: str) -> None:
        outbox = settings.SMS_OUTBOX
        outbox.parent.mkdir(parents=True, exist_ok=True)
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
        with open(outbox, "a", encoding="utf-8") as handle:
            handle.write(f"{stamp}\t{mask_phone(phone)}\t{body}\n")


class MemoryBackend(BaseSmsBackend):
    """For tests: keeps what was sent in `MemoryBackend.outbox`."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, body: str) -> None:
        MemoryBackend.outbox.append((phone, body))


class FailingBackend(BaseSmsBackend):
    """For tests: a carrier that is down."""

    def send(self, phone: str, body: str) -> None:
        raise SmsError("carrier unavailable")


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
