"""Entering readings on the round, and reviewing the ones the sanity checks held."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing import checks
from billing.models import (
    AccountStatus,
    BillingPolicy,
    GasAccount,
    Reading,
    ReadingKind,
    ReadingStatus,
)
from billing.services.common import people_with, stamp, today
from crm.models import NotificationLevel
from crm.notifications import notify
from crm.roles import Role


@transaction.atomic
def record_reading(
    *,
    account: GasAccount,
    by,
    read_on: dt.date,
    value: Decimal,
    photo=None,
    note: str = "",
) -> Reading:
    """A reading from the round (R-BIL-02). It bills only if every sanity check passes;
    otherwise it is held with its reasons and finance is told. A new reading replaces a held
    one of the same account (the reader went back and read again)."""
    account = GasAccount.objects.select_for_update().get(pk=account.pk)
    if account.status == AccountStatus.CLOSED:
        raise ValidationError(_("The account is closed."))
    meter = account.meters.filter(removed_on__isnull=True).first()
    if meter is None:
        raise ValidationError(_("The account has no meter."))
    if read_on > today():
        raise ValidationError({"read_on": _("The reading date lies in the future.")})
    latest = (
        Reading.objects.filter(account=account, status=ReadingStatus.ACCEPTED)
        .order_by("-read_on", "-pk")
        .first()
    )
    if latest is not None and read_on <= latest.read_on:
        raise ValidationError(
            {
                "read_on": _("The date must be after the previous reading of %(date)s.")
                % {"date": latest.read_on.isoformat()}
            }
        )
    if value < 0:
        raise ValidationError({"value": _("A reading cannot be negative.")})
    _supersede_held(account, by)
    policy = BillingPolicy.current()
    previous = checks.previous_reading(meter)
    average = checks.average_daily_use(account, before=read_on, min_periods=policy.jump_min_periods)
    reasons = checks.hold_reasons(
        value=value,
        read_on=read_on,
        meter=meter,
        previous=previous,
        average_daily=average,
        policy=policy,
    )
    reading = Reading(
        account=account,
        meter=meter,
        kind=ReadingKind.REGULAR,
        read_on=read_on,
        value=value,
        status=ReadingStatus.HELD if reasons else ReadingStatus.ACCEPTED,
        hold_reasons=[{"code": str(r["code"]), "params": r["params"]} for r in reasons],
        responsible=by if reasons else None,
        note=note,
        entered_by=by,
    )
    if photo is not None:
        reading.photo_type = getattr(photo, "detected_type", "")
        reading.photo.save(photo.name, photo, save=False)
    stamp(reading, by)
    reading.save()
    if reasons:
        _tell_reviewers(reading)
    return reading


def _supersede_held(account, by) -> None:
    for held in Reading.objects.filter(account=account, status=ReadingStatus.HELD):
        held.status = ReadingStatus.REJECTED
        held.reviewed_by = by
        held.reviewed_at = timezone.now()
        held.review_note = _("Replaced by a new reading.")
        held.responsible = None
        stamp(held, by, held.review_note)
        held.save(
            update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "responsible"]
        )


def _tell_reviewers(reading: Reading) -> None:
    notify(
        people_with(Role.FINANCE),
        gettext_lazy("Reading of %(account)s held for review"),
        body=gettext_lazy("%(reasons)s"),
        params={
            "account": reading.account.number,
            "reasons": " ".join(reading.hold_messages()),
        },
        url=reverse("billing:reading_detail", args=[reading.pk]),
        level=NotificationLevel.WARNING,
    )


@transaction.atomic
def review_reading(*, reading: Reading, by, accept: bool, note: str) -> Reading:
    """Finance confirms a held reading (it then bills) or rejects it (the reader reads again).

    A reading below the meter's previous one cannot be confirmed: if the meter was changed,
    the replacement is recorded first and the meter read again."""
    reading = Reading.objects.select_for_update().select_related("meter").get(pk=reading.pk)
    if reading.status != ReadingStatus.HELD:
        raise ValidationError(_("This reading is not waiting for review."))
    if not note.strip():
        raise ValidationError({"note": _("Write down what you checked.")})
    if accept:
        previous = checks.previous_reading(reading.meter, before=reading.read_on)
        if previous is not None and reading.value < previous.value:
            raise ValidationError(
                _(
                    "A reading below the previous one cannot be billed. If the meter was changed, "
                    "record the replacement and read the new meter."
                )
            )
        later = Reading.objects.filter(
            account=reading.account_id, status=ReadingStatus.ACCEPTED, read_on__gt=reading.read_on
        )
        if later.exists():
            raise ValidationError(_("A later reading has been accepted since."))
    reading.status = ReadingStatus.ACCEPTED if accept else ReadingStatus.REJECTED
    reading.reviewed_by = by
    reading.reviewed_at = timezone.now()
    reading.review_note = note.strip()
    follow_up = reading.responsible
    reading.responsible = None
    stamp(reading, by, note)
    reading.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "responsible"]
    )
    if not accept and follow_up is not None:
        notify(
            [follow_up],
            gettext_lazy("Read %(account)s again"),
            body=gettext_lazy("The reading of %(date)s was rejected: %(note)s"),
            params={
                "account": reading.account.number,
                "date": reading.read_on.isoformat(),
                "note": reading.review_note,
            },
            url=reverse("billing:round"),
        )
    return reading


@transaction.atomic
def transfer_held_readings(readings, to_user, by) -> int:
    """Staff handover: who follows up the held readings on site."""
    moved = 0
    for reading in Reading.objects.select_for_update().filter(
        pk__in=[r.pk for r in readings], status=ReadingStatus.HELD
    ):
        reading.responsible = to_user
        stamp(reading, by, _("Handed over"))
        reading.save(update_fields=["responsible"])
        moved += 1
    return moved
