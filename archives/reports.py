"""Composition analysis (§5, R-ARC-13): where the sales come from — by customer grade, by
product (unit layout), by region and by source — and the credit terms of company customers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from archives.models import CustomerKind, Source

DIMENSIONS = {
    "grade": "customer__grade__code",
    "product": "unit__layout",
    "region": "customer__region__name",
    "source": "customer__source",
}


@dataclass
class Share:
    label: str
    deals: int
    amount: Decimal
    deal_share: float
    amount_share: float


def composition(deals, dimension: str) -> list[Share]:
    """One row per value of `dimension`, biggest amount first, with shares in percent."""
    field = DIMENSIONS[dimension]
    rows = list(
        deals.values(field).annotate(n=Count("pk"), total=Sum("amount")).order_by("-total", field)
    )
    all_deals = sum(row["n"] for row in rows) or 1
    all_amount = sum((row["total"] or Decimal(0)) for row in rows) or Decimal(1)
    labels = _labels(dimension)
    return [
        Share(
            label=labels(row[field]),
            deals=row["n"],
            amount=row["total"] or Decimal(0),
            deal_share=round(100 * row["n"] / all_deals, 1),
            amount_share=round(float(100 * (row["total"] or 0) / all_amount), 1),
        )
        for row in rows
    ]


def _labels(dimension: str):
    unknown = _("Not recorded")
    if dimension == "source":
        names = dict(Source.choices)
        return lambda value: str(names.get(value, unknown))
    if dimension == "grade":
        from archives.models import Grade

        names = {grade.code: str(grade) for grade in Grade.objects.all()}
        return lambda value: names.get(value, unknown) if value else unknown
    return lambda value: value or unknown


def deals_in(deals, start: dt.date, end: dt.date, project=None):
    deals = deals.filter(signed_on__range=(start, end))
    if project is not None:
        deals = deals.filter(customer__project=project)
    return deals


def company_credit(customers):
    """Company customers with their credit rating, limit and trade terms (§5 客户信用分析)."""
    return (
        customers.filter(kind=CustomerKind.COMPANY)
        .select_related("owner")
        .order_by("credit_rating", "name")
    )
