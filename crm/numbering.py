"""The one numbering service: KH-2026-000123, WX-…, TS-…, QF-…, CJ-… (R-FRM-01, R-ARC-01).

A number is taken inside the caller's transaction: the UPDATE locks the kind's row for the
year until the caller commits, so two requests can never read the same value, on SQLite or on
PostgreSQL. If the caller rolls back, the number was never used and the next caller gets it;
once a form with the number is saved, it is never handed out again.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import NumberSequence


class FormKind(models.TextChoices):
    CUSTOMER_ARCHIVE = "KH", _("Customer archive")
    REPAIR_ORDER = "WX", _("Repair work order")
    PUBLIC_REPAIR_ORDER = "GW", _("Public-area work order")
    COMPLAINT = "TS", _("Complaint")
    INCOMING_DOCUMENT = "SW", _("Incoming document")
    GAS_STATEMENT = "QF", _("Gas settlement statement")
    ARREARS_NOTICE = "CJ", _("Arrears notice")
    GAS_WORK_ORDER = "TQ", _("Gas suspension / reconnection order")
    ACCESS_REQUEST = "SQ", _("Archive access request")
    DESTRUCTION = "XH", _("Archive destruction record")
    CREDIT_NOTE = "TZ", _("Credit / debit note")
    RECEIPT = "SK", _("Payment receipt")


NUMBER_RE = re.compile(r"^(?P<kind>[A-Z]{2,4})-(?P<year>\d{4})-(?P<seq>\d{6,})$")


def format_number(kind: str, year: int, sequence: int) -> str:
    return f"{kind}-{year}-{sequence:06d}"


def next_number(kind: str, *, when=None) -> str:
    """Hand out the next number of `kind` for the year of `when` (Shanghai time)."""
    if kind not in FormKind.values:
        raise ValueError(f"Unknown form kind {kind!r}; add it to crm.numbering.FormKind.")
    year = timezone.localtime(when).year
    with transaction.atomic():
        _ensure_sequence(kind, year)
        NumberSequence.objects.filter(kind=kind, year=year).update(last=F("last") + 1)
        value = NumberSequence.objects.filter(kind=kind, year=year).values_list("last", flat=True)
        return format_number(kind, year, value.get())


def next_numbers(kind: str, count: int, *, when=None) -> list[str]:
    """Hand out `count` consecutive numbers of `kind` at once, for runs that create many forms.

    One UPDATE takes the whole block, under the same row lock as next_number, so the block is
    gap-free and unique; the caller must save a form for every number before it commits.
    """
    if kind not in FormKind.values:
        raise ValueError(f"Unknown form kind {kind!r}; add it to crm.numbering.FormKind.")
    if count <= 0:
        return []
    year = timezone.localtime(when).year
    with transaction.atomic():
        _ensure_sequence(kind, year)
        NumberSequence.objects.filter(kind=kind, year=year).update(last=F("last") + count)
        last = NumberSequence.objects.filter(kind=kind, year=year).values_list("last", flat=True)
        end = last.get()
        return [format_number(kind, year, seq) for seq in range(end - count + 1, end + 1)]


def _ensure_sequence(kind: str, year: int) -> None:
    if NumberSequence.objects.filter(kind=kind, year=year).exists():
        return
    try:
        # The savepoint keeps the caller's transaction usable when a concurrent request
        # created the same year's row first.
        with transaction.atomic():
            NumberSequence.objects.create(kind=kind, year=year)
    except IntegrityError:
        pass
