"""Who may see and act on work orders, registered with crm.permissions.

- front desk, the engineering supervisor and finance see every order (they write, dispatch
  and collect); the general manager reads them all;
- a technician sees the jobs they are on and the open queue (to take a job from it);
- sales consultants and managers read the orders of the customers whose archive they may
  open (the archive's own rule: owned, co-owned, the department's but 绝密, granted), as
  they read their complaints — to read, never to handle;
- anyone else gets 404. Export (the monthly list) is for front desk, supervisor and finance.
Which step each role may take is checked again by the service that takes it.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from archives.rules import on_visible_archive
from crm import permissions
from crm.roles import SALES_ROLES, Role, roles_of
from repairs.models import (
    Assignment,
    FinanceBatch,
    MaterialCheck,
    OrderLine,
    OrderStatus,
    Payment,
    Photo,
    PriceItem,
    WorkOrder,
)

ALL_ORDERS = frozenset({Role.FRONT_DESK, Role.ENGINEERING_SUPERVISOR, Role.FINANCE})
READS_ALL = frozenset({Role.GENERAL_MANAGER})
PRICE_LIST_READERS = frozenset(
    {*ALL_ORDERS, *READS_ALL, Role.TECHNICIAN, Role.CUSTOMER_SERVICE, Role.CASHIER}
)
READ_ACTIONS = (permissions.VIEW, permissions.DOWNLOAD)


def order_condition(user, action: str) -> Q | None:
    """The orders `user` may act on; None means all of them."""
    roles = roles_of(user)
    if user.is_superuser or roles & ALL_ORDERS:
        return None
    if roles & READS_ALL and action in (*READ_ACTIONS, permissions.EXPORT):
        return None
    if action == permissions.EXPORT:
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    if Role.TECHNICIAN in roles:
        condition |= Q(Exists(Assignment.objects.filter(order=OuterRef("pk"), technician=user)))
        if action in (permissions.VIEW, permissions.CHANGE):
            nobody = ~Q(Exists(Assignment.objects.filter(order=OuterRef("pk"))))
            condition |= Q(status=OrderStatus.DISPATCH) & nobody
    if action in READ_ACTIONS and roles & SALES_ROLES:
        condition |= on_visible_archive(user, action)
    return condition


@permissions.rule(WorkOrder)
def _orders(user, action, queryset: QuerySet) -> QuerySet:
    condition = order_condition(user, action)
    return queryset if condition is None else queryset.filter(condition)


@permissions.rule(OrderLine)
@permissions.rule(Photo)
@permissions.rule(MaterialCheck)
@permissions.rule(Assignment)
@permissions.rule(Payment)
def _parts_of_an_order(user, action, queryset: QuerySet) -> QuerySet:
    orders = _orders(user, action, WorkOrder.objects.all())
    return queryset.filter(order__in=orders.values("pk"))


@permissions.rule(PriceItem)
def _price_list(user, action, queryset: QuerySet) -> QuerySet:
    """Everyone who deals with repairs reads the price list; the supervisor keeps it."""
    roles = roles_of(user)
    if user.is_superuser or Role.ENGINEERING_SUPERVISOR in roles:
        return queryset
    if action == permissions.VIEW and roles & PRICE_LIST_READERS:
        return queryset
    return queryset.none()


@permissions.rule(FinanceBatch)
def _finance_batches(user, action, queryset: QuerySet) -> QuerySet:
    roles = roles_of(user)
    if user.is_superuser or roles & ALL_ORDERS or roles & READS_ALL:
        return queryset
    return queryset.none()
