"""Money in and corrections: payments at the service hall with their receipts (R-BIL-04), and
credit / debit notes — the only way to correct an issued statement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archives.services import touch_contact
from billing.models import (
    AccountStatus,
    Adjustment,
    AdjustmentKind,
    GasAccount,
    GasWorkOrder,
    Payment,
    PaymentMethod,
    Statement,
    StatementStatus,
    SuspensionRequest,
    SuspensionStatus,
    WorkOrderKind,
    WorkOrderStatus,
)
from billing.services.common import moment, next_workday, readers_of, stamp, today
from crm.notifications import notify
from crm.numbering import FormKind, next_number

ZERO = Decimal("0.00")


def _lock(statement: Statement) -> tuple[Statement, GasAccount]:
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    account = GasAccount.objects.select_for_update().get(pk=statement.account_id)
    return statement, account


def _settle(statement: Statement, by, on: dt.date, reason: str, fields: list[str]) -> None:
    """Save a change of the statement's settlement and set its status from the balance."""
    if statement.outstanding <= 0:
        statement.status = StatementStatus.PAID
        statement.settled_on = on
    elif statement.paid_total > 0:
        statement.status = StatementStatus.PART_PAID
    else:
        statement.status = StatementStatus.ISSUED
    stamp(statement, by, reason)
    statement.save(update_fields=[*fields, "status", "settled_on"])


@transaction.atomic
def record_payment(
    *,
    statement: Statement,
    by,
    amount: Decimal,
    method: str,
    reference: str = "",
    received_on: dt.date | None = None,
    note: str = "",
) -> Payment:
    """The cashier takes money for a statement and gives a receipt (SK-…). A part payment
    leaves the rest on the ladder; money beyond the balance becomes the account's credit,
    used on its next statement. Paying a statement in full stops its arrears ladder."""
    received_on = received_on or today()
    statement, account = _lock(statement)
    if statement.is_paid:
        raise ValidationError(_("This statement is paid already."))
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    reference = reference.strip()
    if method in PaymentMethod.needs_reference() and not reference:
        raise ValidationError({"reference": _("Enter the transaction reference.")})
    if received_on > today():
        raise ValidationError({"received_on": _("The date lies in the future.")})
    applied = min(amount, statement.outstanding)
    payment = Payment(
        number=next_number(FormKind.RECEIPT),
        filled_by=by,
        filled_at=moment(received_on),
        statement=statement,
        account=account,
        amount=amount,
        applied=applied,
        to_credit=amount - applied,
        method=method,
        reference=reference,
        received_on=received_on,
        note=note,
    )
    payment.save()
    statement.paid_total += applied
    fields = ["paid_total"]
    if not statement.signed_off_by_id:
        # Taking the money means the statement reached the counter.
        statement.signed_off_by = by
        statement.signed_off_at = payment.filled_at
        fields += ["signed_off_by", "signed_off_at"]
    _settle(
        statement, by, received_on, _("Payment %(number)s") % {"number": payment.number}, fields
    )
    if payment.to_credit:
        account.balance += payment.to_credit
        stamp(account, by, _("Credit from payment %(number)s") % {"number": payment.number})
        account.save(update_fields=["balance"])
    after_settlement(statement, account, by, on=received_on)
    touch_contact(customer=account.customer, when=payment.filled_at)
    return payment


@transaction.atomic
def issue_adjustment(
    *, statement: Statement, by, kind: str, amount: Decimal, reason: str, issued_on=None
) -> Adjustment:
    """A credit or debit note (TZ-…). The statement itself is never edited: a note changes
    what is owed on it while it is unpaid; on a paid statement it goes to the account, as
    credit or as a debt brought forward to the next statement."""
    issued_on = issued_on or today()
    statement, account = _lock(statement)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the note.")})
    was_paid = statement.is_paid
    if kind == AdjustmentKind.CREDIT:
        applied = ZERO if was_paid else -min(amount, statement.outstanding)
        to_account = amount + applied
    else:
        applied = ZERO if was_paid else amount
        to_account = -amount if was_paid else ZERO
    note = Adjustment(
        number=next_number(FormKind.CREDIT_NOTE),
        filled_by=by,
        filled_at=moment(issued_on),
        statement=statement,
        account=account,
        kind=kind,
        amount=amount,
        reason=reason.strip(),
        applied=applied,
        to_account=to_account,
        issued_on=issued_on,
    )
    note.save()
    if applied:
        statement.adjusted_total += applied
        _settle(
            statement,
            by,
            issued_on,
            _("Note %(number)s") % {"number": note.number},
            ["adjusted_total"],
        )
    if to_account:
        account.balance += to_account
        stamp(account, by, _("Note %(number)s") % {"number": note.number})
        account.save(update_fields=["balance"])
    if not was_paid and statement.is_paid:
        after_settlement(statement, account, by, on=issued_on)
    return note


def after_settlement(statement: Statement, account: GasAccount, by, *, on: dt.date) -> None:
    """Paid: the ladder stops. A pending suspension is withdrawn, an open suspension order
    cancelled; a suspended account with nothing overdue gets its reconnection order."""
    if statement.is_paid:
        for request in SuspensionRequest.objects.select_for_update().filter(
            statement=statement, status=SuspensionStatus.PENDING
        ):
            request.status = SuspensionStatus.WITHDRAWN
            request.decided_at = moment(on)
            request.decision_note = _("Paid before the decision.")
            stamp(request, by, request.decision_note)
            request.save(update_fields=["status", "decided_at", "decision_note"])
        for order in GasWorkOrder.objects.select_for_update().filter(
            request__statement=statement, kind=WorkOrderKind.SUSPEND, status=WorkOrderStatus.OPEN
        ):
            order.status = WorkOrderStatus.CANCELLED
            order.note = _("Paid before the supply was stopped.")
            stamp(order, by, order.note)
            order.save(update_fields=["status", "note"])
    if account.status == AccountStatus.SUSPENDED:
        reconnect_if_settled(account, by, on=on)


def reconnect_if_settled(account: GasAccount, by, *, on: dt.date) -> GasWorkOrder | None:
    overdue = Statement.objects.filter(account=account, due_on__lt=on).unpaid()
    if overdue.exists():
        return None
    if GasWorkOrder.objects.filter(
        account=account, kind=WorkOrderKind.RECONNECT, status=WorkOrderStatus.OPEN
    ).exists():
        return None
    order = GasWorkOrder(
        number=next_number(FormKind.GAS_WORK_ORDER),
        filled_by=by,
        filled_at=moment(on),
        account=account,
        kind=WorkOrderKind.RECONNECT,
        assigned_to=account.reader,
        planned_on=next_workday(on),
    )
    stamp(order, by, _("Arrears settled"))
    order.save()
    notify(
        readers_of(account),
        gettext_lazy("Reconnect the gas of %(account)s"),
        body=gettext_lazy("The arrears are paid. Work order %(number)s."),
        params={"account": account.number, "number": order.number},
        url=reverse("billing:work_order_detail", args=[order.pk]),
    )
    return order
