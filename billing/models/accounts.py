"""Gas accounts (燃气户) and their meters (R-BIL-01)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class UserType(models.TextChoices):
    """The three kinds of gas user of policy §7."""

    RESIDENTIAL = "residential", pgettext_lazy("gas user", "Residential")
    PUBLIC_WELFARE = "public_welfare", pgettext_lazy("gas user", "Public welfare")
    COMMERCIAL = "commercial", pgettext_lazy("gas user", "Commercial")


class AccountStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("gas account", "Active")
    SUSPENDED = "suspended", pgettext_lazy("gas account", "Suspended")
    CLOSED = "closed", pgettext_lazy("gas account", "Closed")


class GasAccountQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=AccountStatus.CLOSED)

    def for_list(self):
        return self.select_related("customer", "unit__floor__building__project", "reader")

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        condition = Q(customer__name__icontains=text) | Q(address__icontains=text)
        digits = text.upper().removeprefix("RQ").lstrip("0")
        if digits.isdigit():
            condition |= Q(pk=int(digits))
        condition |= Q(meters__number__iexact=text)
        return self.filter(condition).distinct()


class GasAccount(models.Model):
    """One gas account per customer and unit (or address, for users outside the estate).

    The account number (户号) is the primary key written RQ0000123: nothing to keep in step.
    `balance` is what the account carries forward: positive is the customer's credit (an
    overpayment, a credit note on a paid statement), negative is a debt carried to the next
    statement (a debit note on a paid statement). Only billing.services changes it.
    """

    customer = models.ForeignKey(
        "archives.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="gas_accounts",
    )
    unit = models.ForeignKey(
        "crm.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gas_accounts",
    )
    address = models.CharField(
        _("address of use"), max_length=200, blank=True, help_text=_("For users outside the estate")
    )
    user_type = models.CharField(_("user type"), max_length=16, choices=UserType.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("meter reader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gas_rounds",
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closed_on = models.DateField(pgettext_lazy("gas account", "closed on"), null=True, blank=True)
    balance = models.DecimalField(
        _("credit carried forward"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = GasAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("gas account")
        verbose_name_plural = _("gas accounts")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "unit"],
                condition=~Q(status="closed") & Q(unit__isnull=False),
                name="gas_account_once_per_customer_and_unit",
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | ~Q(address=""),
                name="gas_account_has_unit_or_address",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(status="closed"),
                name="gas_account_closed_on_only_when_closed",
            ),
        ]
        indexes = [models.Index(fields=["reader", "status"], name="gas_account_reader_idx")]

    def __str__(self):
        return f"{self.number} {self.customer.name}"

    def get_absolute_url(self):
        return reverse("billing:account_detail", args=[self.pk])

    @property
    def number(self) -> str:
        return self.format_number(self.pk) if self.pk else ""

    @staticmethod
    def format_number(pk: int) -> str:
        return f"RQ{pk:07d}"

    @property
    def place(self) -> str:
        """Where the meter is: the unit's label, or the address for users outside the estate."""
        if self.unit_id:
            return self.unit.label
        return self.address

    @property
    def credit(self) -> Decimal:
        return max(self.balance, Decimal("0.00"))

    @property
    def debt(self) -> Decimal:
        return max(-self.balance, Decimal("0.00"))


class Meter(models.Model):
    """A gas meter on an account. Replacing it keeps the old meter (removed_on set) with its
    last reading, and the new one starts from its first reading (billing.services.replace_meter)."""

    account = models.ForeignKey(GasAccount, on_delete=models.PROTECT, related_name="meters")
    number = models.CharField(_("meter number"), max_length=30, unique=True)
    model = models.CharField(_("model"), max_length=50)
    installed_on = models.DateField(_("installed on"))
    seal_number = models.CharField(_("seal number"), max_length=30)
    next_verification_on = models.DateField(_("next verification"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.CharField(_("reason for replacement"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gas meter")
        verbose_name_plural = _("gas meters")
        ordering = ["account", "installed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(removed_on__isnull=True),
                name="one_current_meter_per_account",
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("installed_on")),
                name="meter_removed_after_installed",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_current(self) -> bool:
        return self.removed_on is None

    @property
    def verification_due(self) -> bool:
        return self.next_verification_on <= timezone.localdate()
