"""Finding the tenant who calls, the way a front desk asks: by unit (3栋-1201, 1201), by name
or pinyin, or by phone or its last four digits — among the customers who occupy a unit and
whom the user may see (crm.permissions)."""

from __future__ import annotations

import re

from django.db.models import Exists, OuterRef, Q, Subquery

from archives.models import Customer, CustomerPhone, Occupancy
from crm import permissions

LIMIT = 10
_BUILDING_AND_UNIT = re.compile(r"^(?P<building>.+?[栋座幢])(?P<unit>[\w]+)$")


def _tokens(query: str) -> list[str]:
    tokens = []
    for token in re.split(r"[\s\-－—/]+", query.strip()):
        match = _BUILDING_AND_UNIT.match(token)
        tokens += [match["building"], match["unit"]] if match else [token] if token else []
    return tokens


def _condition(token: str) -> Q:
    phones = CustomerPhone.objects.filter(customer_id=OuterRef("customer_id"))
    if token.isdigit() and len(token) >= 7:
        return Q(Exists(phones.filter(number__endswith=token[-11:])))
    condition = (
        Q(unit__number__icontains=token)
        | Q(unit__floor__building__name__icontains=token)
        | Q(unit__floor__building__project__name__icontains=token)
    )
    if token.isdigit():
        return condition | Q(Exists(phones.filter(tail=token))) if len(token) == 4 else condition
    return (
        condition
        | Q(customer__name__icontains=token)
        | Q(customer__search_keys__icontains=token.lower())
    )


def occupancies_for(user):
    customers = permissions.visible(user, permissions.VIEW, Customer.objects.active())
    primary = CustomerPhone.objects.filter(customer_id=OuterRef("customer_id")).order_by(
        "-is_primary", "pk"
    )
    return (
        Occupancy.objects.current()
        .filter(customer__in=customers.values("pk"))
        .select_related("customer", "unit__floor__building__project")
        .annotate(phone=Subquery(primary.values("number")[:1]))
    )


def find_tenants(user, query: str, limit: int = LIMIT) -> list[Occupancy]:
    tokens = _tokens(query)
    if not tokens:
        return []
    found = occupancies_for(user)
    for token in tokens:
        found = found.filter(_condition(token))
    return list(found.order_by("unit__floor__building__project__name", "unit__number")[:limit])
