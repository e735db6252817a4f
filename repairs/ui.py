"""The repairs app's menu entries, dashboard panels, timeline entries and staff handover."""

from __future__ import annotations

from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives import timeline
from crm import dashboard, handover, navigation, permissions
from crm.navigation import NavItem
from crm.roles import Role
from repairs import charges, services, sla
from repairs.models import Assignment, Clock, OrderStatus, WorkOrder

BADGE = _("Repairs")

navigation.register(
    NavItem(
        "repairs",
        _("Repairs"),
        "repairs:order_list",
        roles=frozenset(
            {Role.FRONT_DESK, Role.ENGINEERING_SUPERVISOR, Role.FINANCE, Role.GENERAL_MANAGER}
        ),
        order=40,
    ),
    NavItem(
        "repairs.mine",
        _("My jobs"),
        "repairs:my_jobs",
        roles=frozenset({Role.TECHNICIAN}),
        order=39,
    ),
    NavItem(
        "repairs.prices",
        _("Repair prices"),
        "repairs:price_list",
        roles=frozenset({Role.TECHNICIAN, Role.ENGINEERING_SUPERVISOR, Role.FRONT_DESK}),
        order=41,
    ),
    NavItem(
        "repairs.report",
        _("Repair clocks"),
        "repairs:report",
        roles=frozenset({Role.ENGINEERING_SUPERVISOR, Role.GENERAL_MANAGER}),
        order=42,
    ),
    NavItem(
        "repairs.charges",
        _("Repair charges"),
        "repairs:charges",
        roles=frozenset({Role.FINANCE, Role.FRONT_DESK}),
        order=43,
    ),
)


# --- Dashboard ------------------------------------------------------------------------------


def _today_start():
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def _visible(request, queryset):
    return permissions.visible(request.user, permissions.VIEW, queryset)


def _front_desk(request):
    orders = _visible(request, WorkOrder.objects.all())
    today = orders.filter(received_at__gte=_today_start())
    running = orders.filter(clocks__state="running").distinct()
    return {
        "today": today.for_list().order_by("-received_at")[:8],
        "today_count": today.count(),
        "running": running.for_list().order_by("received_at")[:8],
        "running_count": running.count(),
        "to_finance": charges.awaiting_finance().count(),
        "due": charges.handoff_due(charges.month_start(timezone.localdate())),
        "now": timezone.now(),
    }


def _supervisor(request):
    orders = _visible(request, WorkOrder.objects.all())
    now = timezone.now()
    month_start = _today_start().replace(day=1)
    broken = Clock.objects.filter(order__in=orders.values("pk"), breached_at__gte=month_start)
    return {
        "dispatch": orders.filter(status=OrderStatus.DISPATCH).for_list().order_by("received_at"),
        "quotes": orders.filter(status=OrderStatus.QUOTE).for_list().order_by("received_at"),
        "refused": orders.filter(status=OrderStatus.REFUSED).for_list().order_by("refused_at"),
        "breaches": broken.count(),
        "recent_breaches": broken.select_related("order", "responsible").order_by("-breached_at")[
            :4
        ],
        "not_returned": orders.filter(status=OrderStatus.DONE, signed_off_at__isnull=True)
        .for_list()
        .order_by("completed_at"),
        "now": now,
    }


def _technician(request):
    mine = WorkOrder.objects.assigned_to(request.user).filter(
        status__in=[*OrderStatus.open(), OrderStatus.REFUSED]
    )
    return {
        "jobs": sla.by_deadline(mine.for_list()),
        "queue": _visible(request, WorkOrder.objects.in_queue()).count(),
        "to_return": WorkOrder.objects.assigned_to(request.user)
        .filter(status=OrderStatus.DONE, signed_off_at__isnull=True)
        .count(),
        "now": timezone.now(),
    }


def _finance(request):
    month = charges.month_start(timezone.localdate())
    orders, batch = charges.charges_of_month(month)
    totals = _visible(request, orders).aggregate(
        total=Sum("total_amount"), paid=Sum("paid_amount"), count=Count("pk")
    )
    unpaid = _visible(request, WorkOrder.objects.filter(status=OrderStatus.DONE)).filter(
        total_amount__gt=0, finance_batch__isnull=False
    )
    return {
        "month": month,
        "batch": batch,
        "count": totals["count"],
        "total": totals["total"] or 0,
        "paid": totals["paid"] or 0,
        "unpaid": unpaid.filter(paid_amount__lt=F("total_amount")).count(),
    }


for key, title, template, context, role, order in (
    ("repairs.frontdesk", _("Repairs today"), "frontdesk", _front_desk, Role.FRONT_DESK, 15),
    (
        "repairs.supervisor",
        _("Engineering desk"),
        "supervisor",
        _supervisor,
        Role.ENGINEERING_SUPERVISOR,
        15,
    ),
    ("repairs.technician", _("My repair jobs"), "technician", _technician, Role.TECHNICIAN, 15),
    ("repairs.finance", _("Repair charges this month"), "finance", _finance, Role.FINANCE, 15),
):
    dashboard.register(
        dashboard.Panel(
            key,
            title,
            f"repairs/panels/{template}.html",
            context,
            roles=frozenset({role}),
            order=order,
            wide=key == "repairs.supervisor",
        )
    )


# --- Timeline (R-ARC-14: repairs in the customer's and the unit's file) ---------------------


def _entries(orders):
    for order in orders.select_related("filled_by", "completed_by"):
        yield timeline.Entry(
            when=order.received_at,
            kind="repair",
            title=_("%(form)s %(number)s: %(problem)s")
            % {"form": order.get_kind_display(), "number": order.number, "problem": order.problem},
            detail=str(order.get_status_display()),
            url=order.get_absolute_url(),
            actor=str(order.filled_by),
            badge=str(BADGE),
        )
        if order.completed_at:
            yield timeline.Entry(
                when=order.completed_at,
                kind="repair-done",
                title=_("Repair %(number)s completed, charges %(total)s")
                % {"number": order.number, "total": f"¥{order.total_amount:,.2f}"},
                detail=order.work_done,
                url=order.get_absolute_url(),
                actor=str(order.completed_by or ""),
                badge=str(BADGE),
            )
        if order.refused_at:
            yield timeline.Entry(
                when=order.refused_at,
                kind="repair-refused",
                title=_("Repair %(number)s refused on site") % {"number": order.number},
                detail=order.refusal_reason,
                url=order.get_absolute_url(),
                badge=str(BADGE),
            )


def _customer_orders(customer, user):
    return _entries(
        permissions.visible(user, permissions.VIEW, WorkOrder.objects.filter(customer=customer))
    )


def _unit_orders(unit, user):
    return _entries(
        permissions.visible(user, permissions.VIEW, WorkOrder.objects.filter(unit=unit))
    )


timeline.register_customer_source(_customer_orders)
timeline.register_unit_source(_unit_orders)


# --- Staff handover (R-ARC-12) --------------------------------------------------------------

HELD = [*OrderStatus.open(), OrderStatus.REFUSED]


def _open_items(user) -> list[handover.HandoverItem]:
    held = (
        Assignment.objects.filter(technician=user, order__status__in=HELD)
        .select_related("order")
        .order_by("order__received_at")
    )
    return [
        handover.HandoverItem(
            source="repairs",
            pk=assignment.pk,
            label=f"{assignment.order.number} {assignment.order.location}",
            url=assignment.order.get_absolute_url(),
            detail=str(assignment.order.get_status_display()),
        )
        for assignment in held
    ]


def _transfer(items, to_user=None, by=None, *, to=None) -> int:
    return services.transfer_jobs(
        assignment_ids=[item.pk for item in items], to_user=to_user or to, by=by
    )


handover.register(
    handover.HandoverSource(
        key="repairs",
        label=_("Open repair jobs"),
        open_items=_open_items,
        transfer=_transfer,
        order=40,
    )
)
