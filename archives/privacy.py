"""How much personal data a viewer sees (R-ACC-06).

Owners and co-owners call their customers, and property staff call the residents they serve,
so they see phones in full. Everyone else — managers, the archive keeper, holders of an access
grant — sees 138****5678 and reveals the full value by an explicit, logged action.
"""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from archives.models import Customer
from archives.rules import PROPERTY_STAFF
from crm import permissions
from crm.roles import roles_of


def annotate_is_mine(queryset: QuerySet, user) -> QuerySet:
    co_owned = Customer.co_owners.through.objects.filter(user=user).values("customer_id")
    mine = Q(owner=user) | permissions.among("pk", co_owned)
    return queryset.annotate(is_mine=ExpressionWrapper(mine, output_field=BooleanField()))


def is_mine(user, customer: Customer) -> bool:
    if hasattr(customer, "is_mine"):
        return bool(customer.is_mine)
    return customer.owner_id == user.pk or customer.co_owners.filter(pk=user.pk).exists()


def role_sees_full_contact(user) -> bool:
    return bool(roles_of(user) & PROPERTY_STAFF)


def shows_full_contact(user, customer: Customer, *, mine: bool | None = None) -> bool:
    """Phones and ID numbers in full: for property staff and for the archive's own people.
    `mine`, when the caller already knows it, saves asking the database again."""
    if role_sees_full_contact(user):
        return True
    return is_mine(user, customer) if mine is None else mine
