"""Customers in units (R-ARC-14): who occupies which unit since when, and the unit's file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from archives.models.customers import Customer


class OccupancyRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    TENANT = "tenant", _("Tenant")
    RESIDENT = "resident", _("Family resident")


class OccupancyQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(moved_in__lte=on).filter(Q(moved_out__isnull=True) | Q(moved_out__gt=on))

    def moved_out(self):
        return self.filter(moved_out__isnull=False, moved_out__lte=timezone.localdate())


class Occupancy(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="occupancies")
    unit = models.ForeignKey(
        "crm.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="occupancies"
    )
    role = models.CharField(_("as"), max_length=10, choices=OccupancyRole.choices)
    moved_in = models.DateField(_("moved in"))
    moved_out = models.DateField(_("moved out"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()
    objects = OccupancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")
        ordering = ["-moved_in", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(moved_out__isnull=True) | Q(moved_out__gte=models.F("moved_in")),
                name="occupancy_moves_out_after_moving_in",
            ),
            models.UniqueConstraint(
                fields=["customer", "unit"],
                condition=Q(moved_out__isnull=True),
                name="one_open_occupancy_per_customer_and_unit",
            ),
        ]

    def __str__(self):
        return f"{self.customer_id} @ {self.unit_id}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.moved_in <= today and (self.moved_out is None or self.moved_out > today)


class UnitDocumentKind(models.TextChoices):
    MOVE_IN = "move_in", _("Move-in papers")
    RENOVATION = "renovation", _("Renovation")
    CORRESPONDENCE = "correspondence", _("Correspondence")
    DOOR_LOCK = "door_lock", _("Application: door lock")
    TELEPHONE = "telephone", _("Application: telephone")
    PARKING = "parking", _("Application: parking")
    SIGNAGE = "signage", _("Application: signage")
    OVERTIME = "overtime", _("Application: overtime")
    DEPOSIT = "deposit", _("Deposit")
    FEE_PAYMENT = "fee_payment", _("Fee payment")
    EMERGENCY_CONTACT = "emergency_contact", _("Emergency contact")
    VIOLATION = "violation", _("Violation")
    ARREARS = "arrears", _("Arrears")
    OTHER = "other", _("Other")


class UnitDocument(models.Model):
    """One sheet of the unit's file (§14: 一户一档, newest first)."""

    unit = models.ForeignKey("crm.Unit", on_delete=models.PROTECT, related_name="documents")
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="unit_documents",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitDocumentKind.choices)
    date = models.DateField(_("date"), default=timezone.localdate)
    title = models.CharField(_("title"), max_length=100)
    details = models.TextField(_("details"), blank=True)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit document")
        verbose_name_plural = _("unit documents")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.title
