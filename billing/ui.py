"""Gas billing's menu entry, dashboard panels, timeline entries and staff-handover sources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives import timeline
from billing import reports, rounds, rules, services
from billing.models import (
    ArrearsNotice,
    BillingPolicy,
    GasAccount,
    GasWorkOrder,
    LadderStep,
    Payment,
    PaymentMethod,
    PaymentReminder,
    Reading,
    ReadingStatus,
    Statement,
    SuspensionRequest,
    SuspensionStatus,
    WorkOrderStatus,
)
from billing.models.statements import UNPAID
from crm import dashboard, handover, navigation, permissions
from crm.handover import HandoverItem, HandoverSource
from crm.navigation import NavItem
from crm.roles import Role

BADGE = _("Gas")
READERS = frozenset({Role.METER_READER})
CASHIERS = frozenset({Role.CASHIER})
OVERSEERS = frozenset({Role.FINANCE, Role.GENERAL_MANAGER})

navigation.register(
    NavItem("billing", _("Gas billing"), "billing:home", roles=rules.BILLING_ROLES, order=60)
)


# --- Dashboard ------------------------------------------------------------------------------


def _reader_round(request):
    today = timezone.localdate()
    stops = rounds.round_for(request.user, today)
    user = request.user
    return {
        "summary": rounds.summary(stops),
        "stops": [s for s in stops if s.state in ("open", "late")][:6],
        "to_remind": Statement.objects.filter(
            account__reader=user, status__in=UNPAID, ladder_step=LadderStep.OVERDUE
        ).count(),
        "to_deliver": ArrearsNotice.objects.filter(
            account__reader=user, delivered_on__isnull=True, statement__status__in=UNPAID
        ).count(),
        "orders": GasWorkOrder.objects.filter(
            assigned_to=user, status=WorkOrderStatus.OPEN
        ).count(),
        "held": Reading.objects.filter(responsible=user, status=ReadingStatus.HELD).count(),
    }


def _cashier(request):
    today = timezone.localdate()
    unpaid = Statement.objects.filter(status__in=UNPAID)
    takings = dict(
        Payment.objects.filter(received_on=today)
        .values_list("method")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    return {
        "due_soon": unpaid.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=3))
        .for_list()
        .order_by("due_on", "pk")[:8],
        "due_count": unpaid.filter(due_on__gte=today).count(),
        "to_receive": unpaid.filter(signed_off_by__isnull=True).count(),
        "takings": [
            (label, takings.get(m)) for m, label in PaymentMethod.choices if takings.get(m)
        ],
        "takings_total": sum(takings.values(), Decimal("0.00")),
        "today": today,
    }


def _overseer(request):
    today = timezone.localdate()
    policy = BillingPolicy.current()
    counts = dict(
        Statement.objects.filter(status__in=UNPAID, due_on__lt=today)
        .values_list("ladder_step")
        .annotate(n=Count("pk"))
        .order_by()
    )
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    rows = reports.collection(last_month.year, last_month.month, days=policy.collection_days)
    return {
        "ladder": [
            (step, LadderStep(step).label, counts.get(step, 0))
            for step in LadderStep.values
            if step != LadderStep.CURRENT
        ],
        "pending": SuspensionRequest.objects.filter(status=SuspensionStatus.PENDING).count(),
        "held": Reading.objects.filter(status=ReadingStatus.HELD).count(),
        "rows": rows,
        "month": last_month,
        "target": policy.collection_target,
    }


dashboard.register(
    dashboard.Panel(
        "billing.round",
        _("Today's round"),
        "billing/panels/round.html",
        _reader_round,
        roles=READERS,
        order=15,
    )
)
dashboard.register(
    dashboard.Panel(
        "billing.cashier",
        _("Gas fees at the counter"),
        "billing/panels/cashier.html",
        _cashier,
        roles=CASHIERS,
        order=15,
    )
)
dashboard.register(
    dashboard.Panel(
        "billing.arrears",
        _("Gas arrears and collection"),
        "billing/panels/arrears.html",
        _overseer,
        roles=OVERSEERS,
        order=30,
    )
)


# --- Timeline -------------------------------------------------------------------------------


def _statements(subject_filter, user):
    statements = permissions.visible(
        user, permissions.VIEW, Statement.objects.filter(**subject_filter)
    ).select_related("filled_by", "account")
    for statement in statements:
        yield timeline.Entry(
            when=timeline.as_datetime(statement.issued_on),
            kind="gas-statement",
            title=str(
                _("Gas statement %(number)s: %(volume)s m³, ¥%(amount)s")
                % {
                    "number": statement.number,
                    "volume": statement.volume,
                    "amount": f"{statement.total_due:,.2f}",
                }
            ),
            detail=str(statement.get_status_display()),
            url=statement.get_absolute_url(),
            actor=str(statement.filled_by),
            badge=str(BADGE),
        )


def _payments(subject_filter, user):
    payments = permissions.visible(
        user, permissions.VIEW, Payment.objects.filter(**subject_filter)
    ).select_related("statement", "filled_by")
    for payment in payments:
        yield timeline.Entry(
            when=timeline.as_datetime(payment.received_on),
            kind="gas-payment",
            title=str(
                _("Gas fee paid: ¥%(amount)s (%(method)s), receipt %(number)s")
                % {
                    "amount": f"{payment.amount:,.2f}",
                    "method": payment.get_method_display(),
                    "number": payment.number,
                }
            ),
            url=reverse("billing:receipt", args=[payment.pk]),
            actor=str(payment.filled_by),
            badge=str(BADGE),
        )


def _reminders(statement_filter, user):
    reminders = permissions.visible(
        user, permissions.VIEW, PaymentReminder.objects.filter(**statement_filter)
    ).select_related("statement", "made_by")
    for reminder in reminders:
        yield timeline.Entry(
            when=reminder.made_at,
            kind="gas-reminder",
            title=str(
                _("Reminded to pay %(number)s (%(method)s)")
                % {"number": reminder.statement.number, "method": reminder.get_method_display()}
            ),
            detail=reminder.note,
            url=reminder.statement.get_absolute_url(),
            actor=str(reminder.made_by),
            badge=str(BADGE),
        )


def _notices(subject_filter, user):
    notices = permissions.visible(
        user, permissions.VIEW, ArrearsNotice.objects.filter(**subject_filter)
    ).select_related("filled_by")
    for notice in notices:
        yield timeline.Entry(
            when=timeline.as_datetime(notice.issued_on),
            kind="gas-arrears",
            title=str(
                _("Arrears notice %(number)s: ¥%(amount)s, pay by %(date)s")
                % {
                    "number": notice.number,
                    "amount": f"{notice.amount_due:,.2f}",
                    "date": notice.pay_by.isoformat(),
                }
            ),
            url=notice.get_absolute_url(),
            actor=str(notice.filled_by),
            badge=str(BADGE),
        )


def _work_orders(subject_filter, user):
    orders = permissions.visible(
        user, permissions.VIEW, GasWorkOrder.objects.filter(**subject_filter)
    ).select_related("done_by", "filled_by")
    for order in orders:
        done = order.status == WorkOrderStatus.DONE
        yield timeline.Entry(
            when=timeline.as_datetime(order.done_on if done else order.planned_on),
            kind=f"gas-{order.kind}",
            title=f"{order.get_kind_display()} {order.number} · {order.get_status_display()}",
            detail=order.note,
            url=order.get_absolute_url(),
            actor=str(order.done_by or order.filled_by),
            badge=str(BADGE),
        )


def _suspensions(subject_filter, user):
    requests = permissions.visible(
        user, permissions.VIEW, SuspensionRequest.objects.filter(**subject_filter)
    ).select_related("statement", "decided_by", "requested_by")
    for request in requests:
        yield timeline.Entry(
            when=timeline.as_datetime(request.requested_on),
            kind="gas-suspension-request",
            title=str(
                _("Suspension of gas requested for %(number)s: %(status)s")
                % {"number": request.statement.number, "status": request.get_status_display()}
            ),
            detail=request.decision_note,
            url=reverse("billing:suspension_list"),
            actor=str(request.decided_by or request.requested_by),
            badge=str(BADGE),
        )


def _sources(field: str):
    """The gas-billing timeline sources of one archive (`field` "customer") or one unit
    ("unit"): each lists the rows of the accounts whose `field` is that subject."""
    account = f"account__{field}"

    def statements(subject, user):
        return _statements({account: subject}, user)

    def payments(subject, user):
        return _payments({account: subject}, user)

    def reminders(subject, user):
        return _reminders({f"statement__{account}": subject}, user)

    def notices(subject, user):
        return _notices({account: subject}, user)

    def orders(subject, user):
        return _work_orders({account: subject}, user)

    def suspensions(subject, user):
        return _suspensions({account: subject}, user)

    return statements, payments, reminders, notices, orders, suspensions


for _source in _sources("customer"):
    timeline.register_customer_source(_source)
for _source in _sources("unit"):
    timeline.register_unit_source(_source)


# --- Staff handover -------------------------------------------------------------------------


def _round_items(user):
    accounts = GasAccount.objects.open().filter(reader=user).select_related("customer")
    return [
        HandoverItem(
            source="billing.rounds",
            pk=account.pk,
            label=f"{account.number} {account.customer.name}",
            url=account.get_absolute_url(),
            detail=str(account.get_user_type_display()),
        )
        for account in accounts.order_by("pk")
    ]


def _held_items(user):
    readings = Reading.objects.filter(responsible=user, status=ReadingStatus.HELD).select_related(
        "account__customer"
    )
    return [
        HandoverItem(
            source="billing.held_readings",
            pk=reading.pk,
            label=f"{reading.account.number} {reading.read_on:%Y-%m-%d} {reading.value} m³",
            url=reading.get_absolute_url(),
            detail=" ".join(reading.hold_labels()),
        )
        for reading in readings.order_by("pk")
    ]


def _order_items(user):
    orders = GasWorkOrder.objects.filter(
        assigned_to=user, status=WorkOrderStatus.OPEN
    ).select_related("account")
    return [
        HandoverItem(
            source="billing.work_orders",
            pk=order.pk,
            label=f"{order.number} {order.account.number}",
            url=order.get_absolute_url(),
            detail=str(order.get_kind_display()),
        )
        for order in orders.order_by("pk")
    ]


def _transfer(model, service):
    def transfer(items, to_user, by) -> int:
        rows = model.objects.filter(pk__in=[item.pk for item in items])
        return service(list(rows), to_user, by)

    return transfer


handover.register(
    HandoverSource(
        "billing.rounds",
        _("Gas reading rounds"),
        _round_items,
        _transfer(GasAccount, services.transfer_rounds),
        order=60,
    )
)
handover.register(
    HandoverSource(
        "billing.held_readings",
        _("Held gas readings"),
        _held_items,
        _transfer(Reading, services.transfer_held_readings),
        order=61,
    )
)
handover.register(
    HandoverSource(
        "billing.work_orders",
        _("Gas suspension / reconnection orders"),
        _order_items,
        _transfer(GasWorkOrder, services.transfer_work_orders),
        order=62,
    )
)
