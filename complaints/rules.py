"""Who may see and handle complaints, registered with crm.permissions.

- the front desk and customer service take and handle every complaint (客服部统一受理, §15);
- the general manager sees and acts on all of them;
- the responsible department's members see the complaints routed to it; its head also acts
  on them (a complaint beyond the department's authority goes to the head, §11);
- whoever handles a complaint sees and acts on it;
- sales consultants and managers see the complaints of the customers whose archive they may
  open (the archive's own rule: owned, co-owned, the department's but 绝密, granted) — to
  read, not to handle.
Everyone else gets 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from archives.rules import on_visible_archive
from complaints.models import Complaint, ComplaintLog, ComplaintStep, Confirmation, IncomingDocument
from crm import permissions
from crm.roles import SALES_ROLES, Role, roles_of

HANDLE_ALL = frozenset({Role.FRONT_DESK, Role.CUSTOMER_SERVICE, Role.GENERAL_MANAGER})


def complaint_condition(user, action: str) -> Q | None:
    """The complaints `user` may act on; None means all of them."""
    roles = roles_of(user)
    if user.is_superuser or roles & HANDLE_ALL:
        return None
    condition = Q(department__head=user) | Q(handler=user)
    if action == permissions.CHANGE:
        return condition
    if user.department_id:
        condition |= Q(department_id=user.department_id)
    if roles & SALES_ROLES:
        # A salesperson reads the complaints of exactly the archives they may open: the
        # archive rule decides, so a 绝密 archive kept from the manager keeps its complaints
        # from him too.
        condition |= on_visible_archive(user, permissions.VIEW)
    return condition


@permissions.rule(Complaint)
def _complaints(user, action, queryset: QuerySet) -> QuerySet:
    condition = complaint_condition(user, action)
    return queryset if condition is None else queryset.filter(condition)


@permissions.rule(ComplaintStep)
@permissions.rule(ComplaintLog)
@permissions.rule(Confirmation)
@permissions.rule(IncomingDocument)
def _parts_of_a_complaint(user, action, queryset: QuerySet) -> QuerySet:
    condition = complaint_condition(user, action)
    if condition is None:
        return queryset
    return queryset.filter(complaint__in=Complaint.objects.filter(condition).values("pk"))
