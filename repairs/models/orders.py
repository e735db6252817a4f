"""The work order (维修单, `WX-…`) and the public-area work order (公共区域维修单, `GW-…`),
with what hangs off them: items and charges, technicians, photos, customer-supplied
materials, payments and the monthly hand-off to finance (§8 R-REP-01 … R-REP-05).

Both kinds share one table: dispatch, clocks, arrival and completion are the same work; the
differences (a customer and charges, or a clean-up) are fields and constraints.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from crm.models import NumberedForm
from crm.numbering import FormKind
from repairs.models.clocks import Clock

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


class OrderKind(models.TextChoices):
    CUSTOMER = "customer", _("Work order")
    PUBLIC = "public", _("Public-area work order")

    @property
    def form_kind(self) -> str:
        return FormKind.PUBLIC_REPAIR_ORDER if self == OrderKind.PUBLIC else FormKind.REPAIR_ORDER


class Urgency(models.TextChoices):
    ASAP = "asap", _("As soon as possible")
    APPOINTMENT = "appointment", _("By appointment")


class OrderStatus(models.TextChoices):
    QUOTE = "quote", _("Waiting for the quote")
    CONSENT = "consent", _("Waiting for the customer's consent")
    DISPATCH = "dispatch", _("Waiting for dispatch")
    ASSIGNED = "assigned", _("Dispatched")
    ON_SITE = "on_site", _("On site")
    WORKING = "working", _("Work under way")
    REFUSED = "refused", _("Refused by the customer")
    DONE = "done", pgettext_lazy("repair order", "Completed")
    CLOSED = "closed", _("Closed without repair")

    @classmethod
    def open(cls) -> list[str]:
        return [cls.QUOTE, cls.CONSENT, cls.DISPATCH, cls.ASSIGNED, cls.ON_SITE, cls.WORKING]

    @classmethod
    def with_technician(cls) -> list[str]:
        return [cls.ASSIGNED, cls.ON_SITE, cls.WORKING, cls.REFUSED]


class Outcome(models.TextChoices):
    INFEASIBLE = "infeasible", _("Cannot be repaired")
    DECLINED = "declined", _("Customer declined the quote")
    REFUSED = "refused", _("Customer refused on site")
    CANCELLED = "cancelled", _("Cancelled")


class OrderQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OrderStatus.open())

    def assigned_to(self, user):
        return self.filter(Exists(Assignment.objects.filter(order=OuterRef("pk"), technician=user)))

    def in_queue(self):
        """Waiting for dispatch with nobody assigned: any technician may take it."""
        return self.filter(status=OrderStatus.DISPATCH).exclude(
            Exists(Assignment.objects.filter(order=OuterRef("pk")))
        )

    def for_list(self):
        running = Clock.objects.filter(state="running").order_by("due_at")
        people = Assignment.objects.select_related("technician").order_by("-is_lead", "pk")
        return self.select_related(
            "customer", "unit__floor__building__project", "filled_by"
        ).prefetch_related(
            models.Prefetch("clocks", running, to_attr="running_clocks"),
            models.Prefetch("assignments", people, to_attr="team"),
        )


def _private_path(folder: str, filename: str) -> str:
    # No customer data in file names: a generated name in a dated folder.
    return f"repairs/{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def photo_path(instance, filename: str) -> str:
    return _private_path("photos", filename)


def signature_path(instance, filename: str) -> str:
    return _private_path("signatures", filename) + ".png"


class WorkOrder(NumberedForm):
    NUMBER_KIND = FormKind.REPAIR_ORDER

    kind = models.CharField(
        _("form"), max_length=10, choices=OrderKind.choices, default=OrderKind.CUSTOMER
    )
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)

    # What the front desk writes down (R-REP-01)
    customer = models.ForeignKey(
        "archives.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repair_orders",
    )
    unit = models.ForeignKey(
        "crm.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repair_orders",
    )
    location = models.CharField(_("address / location"), max_length=200)
    contact_name = models.CharField(_("contact"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    problem = models.TextField(_("problem reported"))
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.ASAP
    )
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    needs_quote = models.BooleanField(
        _("not on the price list"),
        default=False,
        help_text=_("The supervisor assesses feasibility and price; the customer consents."),
    )
    received_at = models.DateTimeField(_("call received at"))
    notified_at = models.DateTimeField(_("engineering notified at"), null=True, blank=True)

    # Unlisted jobs: the supervisor's assessment and the customer's consent (R-REP-02)
    quoted_at = models.DateTimeField(_("quoted at"), null=True, blank=True)
    quoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("quoted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    quote_note = models.TextField(_("assessment"), blank=True)
    consent_at = models.DateTimeField(_("customer consented at"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consent_note = models.CharField(_("how the customer consented"), max_length=200, blank=True)

    # On site (R-REP-03)
    arrived_at = models.DateTimeField(_("arrived on site"), null=True, blank=True)
    lines_confirmed_at = models.DateTimeField(_("items confirmed at"), null=True, blank=True)
    correction_note = models.TextField(_("differences from the report"), blank=True)
    agreed_at = models.DateTimeField(_("customer agreed at"), null=True, blank=True)
    refused_at = models.DateTimeField(_("customer refused at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusing"), blank=True)

    # Completion (R-REP-04, R-REP-05)
    work_done = models.TextField(_("work done"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    customer_checked = models.BooleanField(_("customer checked the work"), default=False)
    signature = models.FileField(
        _("customer's signature"), upload_to=signature_path, max_length=200, blank=True
    )
    signed_on_paper = models.BooleanField(_("signed on paper"), default=False)
    cleanup_confirmed_at = models.DateTimeField(_("site cleaned up at"), null=True, blank=True)
    cleanup_note = models.CharField(_("clean-up"), max_length=200, blank=True)

    closed_at = models.DateTimeField(
        pgettext_lazy("repair order", "closed at"), null=True, blank=True
    )
    close_note = models.TextField(_("closing note"), blank=True)
    cosign_note = models.TextField(_("supervisor's note"), blank=True)

    # Charges and the hand-off to finance (R-REP-04)
    total_amount = models.DecimalField(_("charges"), max_digits=10, decimal_places=2, default=ZERO)
    paid_amount = models.DecimalField(_("paid"), max_digits=10, decimal_places=2, default=ZERO)
    finance_batch = models.ForeignKey(
        "repairs.FinanceBatch",
        verbose_name=_("sent to finance with"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )

    history = HistoricalRecords(excluded_fields=["signature"])
    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-received_at", "-pk"]
        permissions = [
            ("dispatch_workorder", "Can dispatch and sign off work orders"),
            ("export_workorder", "Can export the monthly list of charges"),
        ]
        indexes = [
            models.Index(fields=["status", "-received_at"], name="order_status_idx"),
            models.Index(fields=["customer", "-received_at"], name="order_customer_idx"),
            models.Index(fields=["unit", "-received_at"], name="order_unit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="public") | Q(customer__isnull=False),
                name="order_customer_order_has_customer",
            ),
            models.CheckConstraint(
                condition=Q(urgency="asap") | Q(appointment_at__isnull=False),
                name="order_appointment_has_time",
            ),
            models.CheckConstraint(
                # An unlisted job goes nowhere past the quote without the customer's consent.
                condition=Q(needs_quote=False)
                | Q(status__in=["quote", "consent", "closed"])
                | Q(consent_at__isnull=False),
                name="order_unlisted_needs_consent",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_at__isnull=False),
                name="order_done_has_completion",
            ),
            models.CheckConstraint(
                condition=~Q(status="done", kind="customer")
                | Q(signed_on_paper=True)
                | ~Q(signature=""),
                name="order_done_is_signed",
            ),
            models.CheckConstraint(
                condition=~Q(status="done", kind="public") | Q(cleanup_confirmed_at__isnull=False),
                name="order_public_done_is_cleaned_up",
            ),
            models.CheckConstraint(
                condition=Q(total_amount__gte=0) & Q(paid_amount__gte=0),
                name="order_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("repairs:order_detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.kind == OrderKind.PUBLIC

    @property
    def is_open(self) -> bool:
        return self.status in OrderStatus.open()

    @property
    def outstanding(self) -> Decimal:
        return max(self.total_amount - self.paid_amount, ZERO)

    @property
    def is_paid(self) -> bool:
        return self.total_amount > 0 and self.paid_amount >= self.total_amount

    @property
    def title(self) -> str:
        return str(OrderKind(self.kind).label)


class LineStage(models.TextChoices):
    REPORTED = "reported", _("Reported")
    QUOTED = "quoted", _("Quoted")
    ON_SITE = "on_site", _("On site")


class OrderLine(models.Model):
    """One item and its charge. Prices are copied from the price list when the line is made."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="lines")
    price_item = models.ForeignKey(
        "repairs.PriceItem",
        verbose_name=_("price-list item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    code = models.CharField(_("code"), max_length=20, blank=True)
    name = models.CharField(_("item"), max_length=150)
    unit = models.CharField(_("unit of measure"), max_length=20)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2)
    labour_price = models.DecimalField(_("labour"), max_digits=10, decimal_places=2)
    material_price = models.DecimalField(_("material"), max_digits=10, decimal_places=2)
    stage = models.CharField(_("entered"), max_length=10, choices=LineStage.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("item and charge")
        verbose_name_plural = _("items and charges")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="order_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(labour_price__gte=0) & Q(material_price__gte=0),
                name="order_line_prices_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.name} × {self.quantity}"

    @property
    def unit_price(self) -> Decimal:
        return self.labour_price + self.material_price

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT)

    @property
    def labour_amount(self) -> Decimal:
        return (self.quantity * self.labour_price).quantize(CENT)

    @property
    def material_amount(self) -> Decimal:
        return (self.quantity * self.material_price).quantize(CENT)


class Assignment(models.Model):
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="assignments")
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.PROTECT,
        related_name="repair_assignments",
    )
    is_lead = models.BooleanField(_("lead"), default=False)
    taken_from_queue = models.BooleanField(_("taken from the queue"), default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-is_lead", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "technician"], name="assignment_once"),
            models.UniqueConstraint(
                fields=["order"], condition=Q(is_lead=True), name="assignment_one_lead"
            ),
        ]

    def __str__(self):
        return f"{self.order_id} → {self.technician_id}"


class Photo(models.Model):
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=photo_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class MaterialResult(models.TextChoices):
    PASSED = "passed", _("Up to standard")
    FAILED = "failed", _("Not up to standard")
    POOR = "poor", _("Of poor quality")


class MaterialCheck(models.Model):
    """Materials the customer supplied, checked by the technician (§8 4.1 5)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="material_checks")
    material = models.CharField(_("material"), max_length=100)
    result = models.CharField(_("check result"), max_length=8, choices=MaterialResult.choices)
    advice = models.CharField(_("advice given"), max_length=300, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("material check")
        verbose_name_plural = _("material checks")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result="passed") | ~Q(advice=""),
                name="material_check_failed_has_advice",
            )
        ]

    def __str__(self):
        return f"{self.material}: {self.get_result_display()}"


class FinanceBatch(models.Model):
    """The month's third copies handed to finance (by the 25th), to collect with the
    management fee."""

    month = models.DateField(_("month"), unique=True)
    sent_at = models.DateTimeField(_("handed over at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    order_count = models.PositiveIntegerField(_("orders"))
    total_amount = models.DecimalField(_("charges"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("hand-off to finance")
        verbose_name_plural = _("hand-offs to finance")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="finance_batch_first_of_month")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class PaymentMethod(models.TextChoices):
    MANAGEMENT_FEE = "management_fee", _("With the management fee")
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")


class Payment(models.Model):
    """A charge collected. Only finance records one (§8 4.3: nobody else collects)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    reference = models.CharField(_("receipt / reference"), max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="repair_payment_positive")
        ]

    def __str__(self):
        return f"{self.order_id} {self.amount}"
