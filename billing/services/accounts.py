"""Opening, changing and closing gas accounts; installing and replacing meters (R-BIL-01)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from archives.models import Occupancy
from billing.checks import previous_reading
from billing.models import (
    AccountStatus,
    GasAccount,
    Meter,
    Reading,
    ReadingKind,
    ReadingStatus,
    Statement,
)
from billing.services.common import stamp, today


def _check_meter_number(number: str) -> None:
    if Meter.objects.filter(number=number).exists():
        raise ValidationError(
            {"meter_number": _("Meter %(number)s is already on an account.") % {"number": number}}
        )


@transaction.atomic
def open_account(
    *,
    by,
    customer,
    user_type: str,
    meter_number: str,
    meter_model: str,
    installed_on: dt.date,
    seal_number: str,
    next_verification_on: dt.date,
    initial_value: Decimal = Decimal("0.00"),
    unit=None,
    address: str = "",
    reader=None,
    opened_on: dt.date | None = None,
    notes: str = "",
) -> GasAccount:
    """A gas account for a customer in a unit (or at an address), with its first meter and
    that meter's first reading — the baseline of the first statement."""
    if unit is None and not address.strip():
        raise ValidationError({"unit": _("Choose the unit or enter the address.")})
    if unit is not None:
        if not Occupancy.objects.current().filter(customer=customer, unit=unit).exists():
            raise ValidationError({"unit": _("The customer does not live in or rent this unit.")})
        if GasAccount.objects.open().filter(customer=customer, unit=unit).exists():
            raise ValidationError({"unit": _("This customer already has a gas account here.")})
    _check_meter_number(meter_number)
    account = GasAccount(
        customer=customer,
        unit=unit,
        address=address.strip(),
        user_type=user_type,
        reader=reader,
        opened_on=opened_on or today(),
        notes=notes,
    )
    stamp(account, by, _("Account opened"))
    account.save()
    meter = _install(
        account,
        by,
        meter_number,
        meter_model,
        installed_on,
        seal_number,
        next_verification_on,
        initial_value,
    )
    account.current_meter = meter
    return account


def _install(account, by, number, model, installed_on, seal, verification, initial_value) -> Meter:
    meter = Meter(
        account=account,
        number=number,
        model=model,
        installed_on=installed_on,
        seal_number=seal,
        next_verification_on=verification,
    )
    stamp(meter, by)
    meter.save()
    reading = Reading(
        account=account,
        meter=meter,
        kind=ReadingKind.INITIAL,
        read_on=installed_on,
        value=initial_value,
        status=ReadingStatus.ACCEPTED,
        entered_by=by,
    )
    stamp(reading, by)
    reading.save()
    return meter


@transaction.atomic
def replace_meter(
    *,
    account: GasAccount,
    by,
    changed_on: dt.date,
    final_value: Decimal,
    number: str,
    model: str,
    seal_number: str,
    next_verification_on: dt.date,
    initial_value: Decimal = Decimal("0.00"),
    reason: str,
) -> Meter:
    """Swap the meter in one transaction: the old one keeps its last reading (billed with the
    next statement), the new one starts from its first. Held readings of the old meter are
    rejected — they are read again on the new one."""
    account = GasAccount.objects.select_for_update().get(pk=account.pk)
    if account.status == AccountStatus.CLOSED:
        raise ValidationError(_("The account is closed."))
    old = account.meters.filter(removed_on__isnull=True).first()
    if old is None:
        raise ValidationError(_("The account has no meter to replace."))
    last = previous_reading(old)
    if last is not None and changed_on < last.read_on:
        raise ValidationError(
            {
                "changed_on": _("The replacement cannot come before the last reading of %(date)s.")
                % {"date": last.read_on.isoformat()}
            }
        )
    if changed_on > today():
        raise ValidationError({"changed_on": _("The date lies in the future.")})
    if last is not None and final_value < last.value:
        raise ValidationError(
            {
                "final_value": _("The last reading of the old meter cannot be below %(value)s m³.")
                % {"value": last.value}
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the replacement.")})
    _check_meter_number(number)
    final = Reading(
        account=account,
        meter=old,
        kind=ReadingKind.FINAL,
        read_on=changed_on,
        value=final_value,
        status=ReadingStatus.ACCEPTED,
        entered_by=by,
    )
    stamp(final, by, reason)
    final.save()
    for held in Reading.objects.filter(meter=old, status=ReadingStatus.HELD):
        held.status = ReadingStatus.REJECTED
        held.reviewed_by = by
        held.review_note = _("Meter replaced: read again on the new meter.")
        stamp(held, by, held.review_note)
        held.save(update_fields=["status", "reviewed_by", "review_note"])
    old.removed_on = changed_on
    old.removal_reason = reason.strip()
    stamp(old, by, reason)
    old.save(update_fields=["removed_on", "removal_reason"])
    return _install(
        account, by, number, model, changed_on, seal_number, next_verification_on, initial_value
    )


@transaction.atomic
def update_account(*, account: GasAccount, by, reason: str = "", **changes) -> GasAccount:
    allowed = {"reader", "notes", "user_type", "address"}
    account = GasAccount.objects.select_for_update().get(pk=account.pk)
    for field, value in changes.items():
        if field not in allowed:
            raise ValueError(f"{field} is not changed here")
        setattr(account, field, value)
    if account.unit_id is None and not account.address.strip():
        raise ValidationError({"address": _("An account without a unit needs its address.")})
    stamp(account, by, reason)
    account.save(update_fields=list(changes))
    return account


@transaction.atomic
def close_account(*, account: GasAccount, by, closed_on: dt.date, reason: str) -> GasAccount:
    """Close when the customer leaves: nothing may stay unpaid or unbilled."""
    account = GasAccount.objects.select_for_update().get(pk=account.pk)
    if account.status == AccountStatus.CLOSED:
        raise ValidationError(_("The account is already closed."))
    if Statement.objects.filter(account=account).unpaid().exists():
        raise ValidationError(_("Unpaid statements remain: settle them before closing."))
    unbilled = Reading.objects.filter(
        account=account,
        kind=ReadingKind.REGULAR,
        status=ReadingStatus.ACCEPTED,
        closing_statement__isnull=True,
    )
    if unbilled.exists():
        raise ValidationError(_("A reading is not billed yet: issue its statement first."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for closing the account.")})
    account.status = AccountStatus.CLOSED
    account.closed_on = closed_on
    stamp(account, by, reason)
    account.save(update_fields=["status", "closed_on"])
    return account


@transaction.atomic
def transfer_rounds(accounts, to_user, by) -> int:
    """Staff handover: the accounts a reader reads pass to the successor."""
    moved = 0
    for account in GasAccount.objects.select_for_update().filter(pk__in=[a.pk for a in accounts]):
        account.reader = to_user
        stamp(account, by, _("Handed over"))
        account.save(update_fields=["reader"])
        moved += 1
    return moved
