"""Visit plans, visit logs and the commitments made during a visit (§2, R-VIS-01, R-VIS-02)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class VisitKind(models.TextChoices):
    INCOMING_CALL = "incoming_call", _("Incoming call")
    WALK_IN = "walk_in", _("Walk-in")
    OUTBOUND_VISIT = "outbound_visit", _("Outbound visit")
    FOLLOW_UP_CALL = "follow_up_call", _("Follow-up call")
    SMS = "sms", _("Text message")
    EVENT = "event", _("Event")

    @classmethod
    def in_person(cls) -> set[str]:
        """Meetings that may start a visit follow-up plan; calls and texts never do, or one
        follow-up call would schedule the next for ever."""
        return {cls.WALK_IN, cls.OUTBOUND_VISIT, cls.EVENT}


class Material(models.TextChoices):
    """What §2 第7条 tells a visitor to take along."""

    BROCHURES = "brochures", _("Company brochures")
    BUSINESS_CARDS = "business_cards", _("Business cards")
    NOTEBOOK = "notebook", _("Notebook and pen")
    SALES_DATA = "sales_data", _("Sales data")
    SALES_POLICY = "sales_policy", _("Sales policy and promotions")
    PROMOTIONAL = "promotional", _("Promotional material")
    CUSTOMER_SHEET = "customer_sheet", _("Customer information sheet")
    RECORD_TOOLS = "record_tools", _("Customer record tools")
    GIFTS = "gifts", _("Gifts")


class PlanStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Visited")
    CANCELLED = "cancelled", _("Cancelled")


class VisitPlanQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=PlanStatus.PLANNED)


class VisitPlan(models.Model):
    """拜访计划 (§2 第3条): purpose, target and materials, prepared before the visit."""

    customer = models.ForeignKey(
        "archives.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="visit_plans",
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visitor"),
        on_delete=models.PROTECT,
        related_name="visit_plans",
    )
    planned_on = models.DateField(_("planned for"))
    kind = models.CharField(
        _("kind"), max_length=20, choices=VisitKind.choices, default=VisitKind.OUTBOUND_VISIT
    )
    purpose = models.TextField(pgettext_lazy("visit plan", "purpose"))
    target = models.TextField(_("target"), help_text=_("What the visit should achieve"))
    materials = models.JSONField(_("materials"), default=list, blank=True)
    materials_note = models.CharField(_("other materials"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = VisitPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        ordering = ["planned_on", "pk"]
        indexes = [models.Index(fields=["visitor", "status", "planned_on"], name="visitplan_idx")]

    def __str__(self):
        return f"{self.planned_on} {self.customer_id}"

    def get_absolute_url(self):
        return reverse("visits:plan_detail", args=[self.pk])

    @property
    def material_labels(self) -> list[str]:
        labels = dict(Material.choices)
        found = [str(labels[key]) for key in self.materials if key in labels]
        return [*found, self.materials_note] if self.materials_note else found


class VisitLogQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("customer", "visitor", "plan")


class VisitLog(models.Model):
    """拜访记录 (§2 第9–15条): what the customer needs, says and objects to; the three aspects
    of 第10条 (customer, brand, market); and the commitments made. A record, never rewritten:
    corrections leave history."""

    customer = models.ForeignKey(
        "archives.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="visit_logs",
    )
    plan = models.OneToOneField(
        VisitPlan,
        verbose_name=_("visit plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=VisitKind.choices)
    visited_at = models.DateTimeField(_("when"), default=timezone.now)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visitor"),
        on_delete=models.PROTECT,
        related_name="visit_logs",
    )
    needs = models.TextField(_("customer's needs"), blank=True)
    suggestions = models.TextField(_("opinions and suggestions"), blank=True)
    objections = models.TextField(_("objections"), blank=True)
    responses = models.TextField(
        _("answers and handling"), blank=True, help_text=_("How the questions were answered")
    )
    customer_aspect = models.TextField(
        _("customer aspect"),
        blank=True,
        help_text=_("Service plan, needs, opinions; the effect of the visit"),
    )
    brand_aspect = models.TextField(
        _("brand aspect"),
        blank=True,
        help_text=_("Reactions to the brand and products, promotion done"),
    )
    market_aspect = models.TextField(
        _("market aspect"),
        blank=True,
        help_text=_("Local buyers, market environment, prices and stock"),
    )
    impressions = models.TextField(_("effect and impressions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = VisitLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit log")
        verbose_name_plural = _("visit logs")
        ordering = ["-visited_at", "-pk"]
        indexes = [
            models.Index(fields=["visitor", "-visited_at"], name="visitlog_visitor_idx"),
            models.Index(fields=["customer", "-visited_at"], name="visitlog_customer_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.visited_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("visits:log_detail", args=[self.pk])

    @property
    def summary(self) -> str:
        for text in (self.needs, self.customer_aspect, self.impressions, self.suggestions):
            if text:
                return text if len(text) <= 80 else f"{text[:80]}…"
        return ""


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")


class CommitmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=CommitmentStatus.OPEN)


class Commitment(models.Model):
    """A promise made to the customer during a visit, with its due date. Fulfilling it makes
    a return visit fall due (§2 第16条, R-VIS-02)."""

    visit_log = models.ForeignKey(VisitLog, on_delete=models.CASCADE, related_name="commitments")
    customer = models.ForeignKey(
        "archives.Customer", on_delete=models.PROTECT, related_name="commitments"
    )
    description = models.CharField(_("commitment"), max_length=200)
    due_on = models.DateField(_("due on"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.OPEN,
    )
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="fulfilled") | Q(fulfilled_on__isnull=False),
                name="commitment_fulfilled_has_date",
            )
        ]

    def __str__(self):
        return self.description

    @property
    def is_overdue(self) -> bool:
        return self.status == CommitmentStatus.OPEN and self.due_on < timezone.localdate()
