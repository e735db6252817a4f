"""Factories for repairs tests."""

from decimal import Decimal

import factory

from repairs.models import PriceItem


class PriceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceItem
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"SD-{n + 1:02d}")
    name_zh = factory.Sequence(lambda n: f"更换水管接头{n}")
    name_en = "Replace a pipe fitting"
    unit_zh = "个"
    labour_price = Decimal("30.00")
    material_price = Decimal("15.00")
