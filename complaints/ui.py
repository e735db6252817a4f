"""The complaints app's menu entry, dashboard panels, timeline entries and staff handover."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives import timeline
from complaints import services
from complaints.models import Complaint, Severity
from crm import dashboard, handover, navigation, permissions
from crm.models import Department
from crm.navigation import NavItem
from crm.roles import Role, roles_of

TAKERS = frozenset({Role.FRONT_DESK, Role.CUSTOMER_SERVICE})
PANEL_ROWS = 8

navigation.register(
    NavItem(
        "complaints",
        _("Complaints"),
        "complaints:complaint_list",
        permission="complaints.view_complaint",
        order=40,
    )
)


# --- Dashboard ------------------------------------------------------------------------------


def _waiting(request):
    """Complaints waiting for a reply, with their clocks: everything for the front desk and
    customer service, the department's own for a department head."""
    user = request.user
    if Role.GENERAL_MANAGER in roles_of(user):
        return None  # the general manager has the major-complaints panel and the lists
    headed = list(Department.objects.filter(head=user).values_list("pk", flat=True))
    takes_all = bool(roles_of(user) & TAKERS)
    if not takes_all and not headed:
        return None
    waiting = permissions.visible(user, permissions.VIEW, Complaint.objects.awaiting_reply())
    if not takes_all:
        waiting = waiting.filter(department__in=headed)
    counts = waiting.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(reply_due_at__lt=timezone.now())),
        mine=Count("pk", filter=Q(handler=user)),
        unassigned=Count("pk", filter=Q(handler__isnull=True)),
    )
    rows = waiting.for_list().order_by("reply_due_at", "pk")[:PANEL_ROWS]
    return {"counts": counts, "complaints": rows, "takes_all": takes_all}


def _major(request):
    """Open major complaints for the general manager (五清楚一报告: 重大投诉马上报告)."""
    visible = permissions.visible(request.user, permissions.VIEW, Complaint.objects.open())
    major = visible.filter(severity=Severity.MAJOR)
    start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    month = permissions.visible(
        request.user, permissions.VIEW, Complaint.objects.filter(filled_at__gte=start)
    ).aggregate(
        total=Count("pk"),
        major=Count("pk", filter=Q(severity=Severity.MAJOR)),
        closed=Count("pk", filter=Q(status="closed")),
    )
    rows = major.for_list().order_by("reply_due_at", "pk")[:PANEL_ROWS]
    return {"complaints": rows, "month": month, "open_major": major.count()}


dashboard.register(
    dashboard.Panel(
        "complaints.waiting",
        _("Complaints waiting for a reply"),
        "complaints/panels/waiting.html",
        _waiting,
        order=30,
    )
)
dashboard.register(
    dashboard.Panel(
        "complaints.major",
        _("Major complaints"),
        "complaints/panels/major.html",
        _major,
        roles=frozenset({Role.GENERAL_MANAGER}),
        order=25,
    )
)


# --- Timeline (R-ARC-14: complaints in the customer's and the unit's file) -------------------

BADGE = _("Complaint")


def _entries(complaints):
    for complaint in complaints:
        url = complaint.get_absolute_url()
        yield timeline.Entry(
            when=complaint.filled_at,
            kind="complaint",
            title=_("%(kind)s %(number)s: %(subject)s")
            % {
                "kind": complaint.get_kind_display(),
                "number": complaint.number,
                "subject": complaint.subject,
            },
            detail=f"{complaint.get_category_display()} · {complaint.get_severity_display()}"
            f" · {complaint.get_status_display()}",
            url=url,
            actor=str(complaint.filled_by),
            badge=str(BADGE),
        )
        if complaint.closed_at:
            yield timeline.Entry(
                when=complaint.closed_at,
                kind="complaint-closed",
                title=_("Complaint %(number)s closed: %(opinion)s")
                % {"number": complaint.number, "opinion": complaint.get_opinion_display()},
                detail=complaint.outcome,
                url=url,
                actor=str(complaint.closed_by),
                badge=str(BADGE),
            )


def _visible(user, **where):
    complaints = Complaint.objects.filter(**where).select_related("filled_by", "closed_by")
    return permissions.visible(user, permissions.VIEW, complaints)


def _customer_source(customer, user):
    return _entries(_visible(user, customer=customer))


def _unit_source(unit, user):
    return _entries(_visible(user, unit=unit))


timeline.register_customer_source(_customer_source)
timeline.register_unit_source(_unit_source)


# --- Staff handover (R-ARC-12) --------------------------------------------------------------


def _open_items(user) -> list[handover.HandoverItem]:
    complaints = Complaint.objects.open().filter(handler=user).order_by("reply_due_at", "pk")
    return [
        handover.HandoverItem(
            source="complaints",
            pk=complaint.pk,
            label=f"{complaint.number} {complaint.subject}",
            url=complaint.get_absolute_url(),
            detail=str(complaint.get_status_display()),
        )
        for complaint in complaints
    ]


def _transfer(items, to_user=None, by=None, *, to=None) -> int:
    complaints = Complaint.objects.filter(pk__in=[item.pk for item in items]).order_by("pk")
    return services.hand_over_complaints(complaints, to_user=to_user or to, by=by)


handover.register(
    handover.HandoverSource(
        key="complaints",
        label=_("Open complaints"),
        open_items=_open_items,
        transfer=_transfer,
        order=30,
    )
)
