"""The paid-repair price list (有偿维修收费标准, §8 R-REP-02), kept by the engineering
supervisor. Every change is history: a printed order must still show the price it was sold at,
so order lines copy the prices instead of pointing at them."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from archives.models.profile import Bilingual

ZERO = Decimal("0.00")


class PriceItemQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class PriceItem(Bilingual, models.Model):
    code = models.CharField(_("item code"), max_length=20, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    unit_zh = models.CharField(_("unit (Chinese)"), max_length=10, help_text=_("e.g. 个, 次, 米"))
    unit_en = models.CharField(_("unit (English)"), max_length=20, blank=True)
    labour_price = models.DecimalField(
        _("labour (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    material_price = models.DecimalField(
        _("material (yuan)"),
        max_digits=10,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    category = models.CharField(_("category"), max_length=30, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()
    objects = PriceItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("price-list item")
        verbose_name_plural = _("paid-repair price list")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(labour_price__gte=0) & Q(material_price__gte=0),
                name="price_item_prices_not_negative",
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return self.pick(self.name_zh, self.name_en)

    @property
    def unit(self) -> str:
        return self.pick(self.unit_zh, self.unit_en)

    @property
    def price(self) -> Decimal:
        return self.labour_price + self.material_price
