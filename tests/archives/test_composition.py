"""Composition analysis (R-ARC-13)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from archives import reports, services
from archives.models import Deal, Grade
from crm.roles import Role
from tests.factories import UnitFactory


@pytest.mark.django_db
def test_shares_of_sales_by_grade_product_region_and_source(make_customer, owner):
    """R-ARC-13: share of sales by grade and by product, exact to the cent."""
    a, b = Grade.objects.get(code="A"), Grade.objects.get(code="B")
    big = UnitFactory(layout="三室两厅")
    small = UnitFactory(layout="两室两厅")
    for grade, unit, amount in [(a, big, "3000000"), (a, small, "1000000"), (b, small, "1000000")]:
        customer = make_customer(owner=owner, grade=grade, source="walk_in")
        services.record_deal(
            customer=customer,
            by=owner,
            unit=unit,
            amount=Decimal(amount),
            signed_on=dt.date(2026, 5, 1),
        )
    by_grade = reports.composition(Deal.objects.all(), "grade")
    assert [(r.label, r.deals, r.amount, r.amount_share) for r in by_grade] == [
        (str(a), 2, Decimal("4000000.00"), 80.0),
        (str(b), 1, Decimal("1000000.00"), 20.0),
    ]
    by_product = reports.composition(Deal.objects.all(), "product")
    assert [(r.label, r.deal_share) for r in by_product] == [("三室两厅", 33.3), ("两室两厅", 66.7)]
    assert reports.composition(Deal.objects.all(), "source")[0].label == "来访"


@pytest.mark.django_db
def test_only_managers_read_the_report(client, owner, manager):
    client.force_login(owner)
    assert client.get(reverse("archives:composition")).status_code == 403
    client.force_login(manager)
    response = client.get(reverse("archives:composition"))
    assert response.status_code == 200
    assert 'data-testid="composition-grade"' in response.content.decode()


@pytest.mark.django_db
def test_report_reads_only_the_managers_department(client, manager, make_user, make_customer):
    from tests.factories import DepartmentFactory

    other = make_user(Role.SALES_CONSULTANT, department=DepartmentFactory(code="sales2"))
    customer = make_customer(owner=other)
    services.record_deal(
        customer=customer, by=other, amount=Decimal("9"), signed_on=dt.date.today()
    )
    client.force_login(manager)
    assert "1 笔成交" not in client.get(reverse("archives:composition")).content.decode()
