"""Gas prices per user type with validity dates, and the residential tiers (阶梯气价).

A tariff is valid from `valid_from` up to and including `valid_to` (open-ended if empty). Its
tiers split the annual cumulative volume: tier 1 up to 350 m³, tier 2 up to 500 m³, tier 3
above (no upper bound). Commercial and public-welfare tariffs have one tier without a bound.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from billing.models.accounts import UserType


class Tariff(models.Model):
    user_type = models.CharField(_("user type"), max_length=16, choices=UserType.choices)
    name = models.CharField(_("name"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    approved_document = models.CharField(_("price approval document"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gas tariff")
        verbose_name_plural = _("gas tariffs")
        ordering = ["user_type", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["user_type", "valid_from"], name="tariff_start_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="tariff_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.name

    def covers(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class TariffTier(models.Model):
    tariff = models.ForeignKey(Tariff, on_delete=models.CASCADE, related_name="tiers")
    tier = models.PositiveSmallIntegerField(_("tier"))
    up_to = models.DecimalField(
        _("up to (m³ a year)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Annual cumulative volume where this tier ends; empty for the last tier"),
    )
    price = models.DecimalField(_("price (yuan/m³)"), max_digits=8, decimal_places=4)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tariff tier")
        verbose_name_plural = _("tariff tiers")
        ordering = ["tariff", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["tariff", "tier"], name="tariff_tier_unique"),
            models.CheckConstraint(condition=Q(price__gt=0), name="tariff_price_positive"),
            models.CheckConstraint(
                condition=Q(up_to__isnull=True) | Q(up_to__gt=0), name="tariff_bound_positive"
            ),
        ]

    def __str__(self):
        return f"{self.tariff} {self.tier}"
