"""The money side of repairs: the price list the supervisor keeps (R-REP-02), the monthly list
of charges the front desk hands to finance by the 25th, and payments, which only finance
records (R-REP-04, §8 4.3: no other department collects from a customer)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import User
from crm.notifications import notify
from crm.roles import Role, has_role
from repairs.models import (
    FinanceBatch,
    OrderKind,
    OrderStatus,
    Payment,
    PriceItem,
    WorkOrder,
)
from repairs.services import _require, _stamp

HANDOFF_DAY = 25


# --- The price list -------------------------------------------------------------------------


@transaction.atomic
def save_price_item(*, by, item: PriceItem | None = None, reason: str = "", **fields) -> PriceItem:
    """Add or change an item of 有偿维修收费标准. A price change needs a reason, which the
    item's history shows; orders already written keep the price they were given."""
    _require(by, Role.ENGINEERING_SUPERVISOR)
    item = item or PriceItem()
    repriced = item.pk and any(
        name in fields and fields[name] != getattr(item, name)
        for name in ("labour_price", "material_price")
    )
    if repriced and not reason.strip():
        raise ValidationError({"reason": _("A price change needs a reason.")})
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    _stamp(
        item,
        by,
        reason.strip()
        or (gettext_lazy("Price changed") if repriced else gettext_lazy("Item saved")),
    )
    item.save()
    return item


# --- The monthly list to finance ------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def handoff_due(month: dt.date) -> dt.date:
    return month.replace(day=HANDOFF_DAY)


def awaiting_finance(at: dt.datetime | None = None):
    """Completed orders with charges, returned to the supervisor (by `at`), whose third copy
    has not gone to finance yet."""
    return WorkOrder.objects.filter(
        kind=OrderKind.CUSTOMER,
        status=OrderStatus.DONE,
        signed_off_at__lte=at or timezone.now(),
        total_amount__gt=0,
        finance_batch__isnull=True,
    )


def charges_of_month(month: dt.date):
    """The month's list: what went to finance with that month's batch, plus (for the current
    month) what is still waiting to go."""
    batch = FinanceBatch.objects.filter(month=month).first()
    condition = Q(finance_batch=batch) if batch else Q(pk__in=[])
    if month == month_start(timezone.localdate()):
        condition |= Q(pk__in=awaiting_finance().values("pk"))
    return WorkOrder.objects.filter(condition), batch


@transaction.atomic
def send_to_finance(*, by, month: dt.date | None = None) -> FinanceBatch:
    """The front desk hands the third copies to finance: every returned order with charges not
    yet sent joins this month's batch."""
    _require(by, Role.FRONT_DESK)
    month = month_start(month or timezone.localdate())
    orders = list(awaiting_finance().select_for_update())
    if not orders:
        raise ValidationError(_("No returned order with charges is waiting to go to finance."))
    now = timezone.now()
    batch, _created = FinanceBatch.objects.get_or_create(
        month=month,
        defaults={"sent_at": now, "sent_by": by, "order_count": 0, "total_amount": Decimal(0)},
    )
    for order in orders:
        order.finance_batch = batch
        _stamp(order, by, gettext_lazy("Sent to finance"))
        order.save(update_fields=["finance_batch"])
    totals = batch.orders.aggregate(total=Sum("total_amount"))
    batch.order_count = batch.orders.count()
    batch.total_amount = totals["total"] or Decimal(0)
    batch.save(update_fields=["order_count", "total_amount"])
    notify(
        User.objects.working().with_role(Role.FINANCE),
        gettext_lazy("Repair charges for %(month)s: %(count)s orders, %(total)s"),
        params={
            "month": f"{month:%Y-%m}",
            "count": len(orders),
            "total": f"¥{sum(o.total_amount for o in orders):,.2f}",
        },
        url=f"/repairs/charges/?month={month:%Y-%m}",
    )
    return batch


# --- Payments: finance only -----------------------------------------------------------------


@transaction.atomic
def record_payment(
    *,
    order: WorkOrder,
    by,
    amount: Decimal,
    paid_on: dt.date,
    method: str,
    reference: str = "",
) -> Payment:
    if not has_role(by, Role.FINANCE):
        raise PermissionDenied  # §8 4.3: nobody but finance collects, administrators neither
    order = WorkOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.DONE or order.total_amount <= 0:
        raise ValidationError(_("Only a completed order with charges can be paid."))
    if amount <= 0:
        raise ValidationError({"amount": _("Enter the amount received.")})
    if amount > order.outstanding:
        raise ValidationError(
            {
                "amount": _("Only %(left)s is outstanding on this order.")
                % {"left": f"¥{order.outstanding:,.2f}"}
            }
        )
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("A payment cannot be dated in the future.")})
    payment = Payment(
        order=order,
        amount=amount,
        paid_on=paid_on,
        method=method,
        reference=reference.strip(),
        recorded_by=by,
    )
    _stamp(payment, by)
    payment.save()
    order.paid_amount += amount
    _stamp(order, by, gettext_lazy("Payment recorded"))
    order.save(update_fields=["paid_amount"])
    return payment
