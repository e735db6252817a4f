"""The arrears ladder's records (R-BIL-05): the phone or written notice, the arrears notice
(催缴通知单, CJ-…), the suspension request the general manager decides, and the suspension and
reconnection work orders (TQ-…)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from billing.models.accounts import GasAccount
from billing.models.statements import Statement
from crm.models import NumberedForm
from crm.numbering import FormKind


class ReminderMethod(models.TextChoices):
    PHONE = "phone", pgettext_lazy("gas reminder", "Phone call")
    WRITTEN = "written", pgettext_lazy("gas reminder", "Written notice")


class PaymentReminder(models.Model):
    """§7 7: the reader reminds the customer by phone or in writing — who, how, when."""

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.PROTECT, related_name="reminders"
    )
    method = models.CharField(_("how"), max_length=8, choices=ReminderMethod.choices)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.CharField(
        _("customer's answer"), max_length=200, blank=True, help_text=_("e.g. will pay on Friday")
    )

    class Meta:
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        ordering = ["-made_at", "-pk"]

    def __str__(self):
        return f"{self.statement_id} {self.get_method_display()}"


class ArrearsNotice(NumberedForm):
    """《气费催缴通知单》: issued by the ladder three working days after the reminder, sent by
    SMS and delivered on paper by the reader."""

    NUMBER_KIND = FormKind.ARREARS_NOTICE

    statement = models.OneToOneField(
        Statement,
        verbose_name=_("statement"),
        on_delete=models.PROTECT,
        related_name="arrears_notice",
    )
    account = models.ForeignKey(
        GasAccount, on_delete=models.PROTECT, related_name="arrears_notices"
    )
    amount_due = models.DecimalField(_("amount owed"), max_digits=12, decimal_places=2)
    issued_on = models.DateField(_("issued on"))
    pay_by = models.DateField(_("pay by"))
    sms = models.ForeignKey(
        "crm.SmsMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delivered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("arrears notice")
        verbose_name_plural = _("arrears notices")
        ordering = ["-issued_on", "-pk"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("billing:notice_print", args=[self.pk])


class SuspensionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the general manager")
    APPROVED = "approved", pgettext_lazy("gas suspension", "Approved")
    REJECTED = "rejected", pgettext_lazy("gas suspension", "Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn: paid")


class SuspensionRequest(models.Model):
    """A request to stop the gas (停气), decided by the general manager."""

    account = models.ForeignKey(
        GasAccount, on_delete=models.PROTECT, related_name="suspension_requests"
    )
    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.PROTECT, related_name="+"
    )
    notice = models.ForeignKey(
        ArrearsNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SuspensionStatus.choices,
        default=SuspensionStatus.PENDING,
    )
    amount_due = models.DecimalField(_("amount owed"), max_digits=12, decimal_places=2)
    requested_on = models.DateField(_("requested on"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suspension request")
        verbose_name_plural = _("suspension requests")
        ordering = ["-requested_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status="pending"),
                name="one_pending_suspension_per_account",
            )
        ]

    def __str__(self):
        return f"{self.account_id} {self.requested_on}"


class WorkOrderKind(models.TextChoices):
    SUSPEND = "suspend", _("Suspend supply")
    RECONNECT = "reconnect", _("Reconnect supply")


class WorkOrderStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("gas work order", "Open")
    DONE = "done", pgettext_lazy("gas work order", "Done")
    CANCELLED = "cancelled", pgettext_lazy("gas work order", "Cancelled")


class GasWorkOrder(NumberedForm):
    """停气 / 复气 work order (TQ-…): the dates and the meter reading when it was done."""

    NUMBER_KIND = FormKind.GAS_WORK_ORDER

    account = models.ForeignKey(GasAccount, on_delete=models.PROTECT, related_name="work_orders")
    kind = models.CharField(_("kind"), max_length=10, choices=WorkOrderKind.choices)
    request = models.ForeignKey(
        SuspensionRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=WorkOrderStatus.choices, default=WorkOrderStatus.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gas_work_orders",
    )
    planned_on = models.DateField(_("planned for"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    meter_value = models.DecimalField(
        _("meter reading (m³)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gas work order")
        verbose_name_plural = _("gas work orders")
        ordering = ["-planned_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind"],
                condition=Q(status="open"),
                name="one_open_gas_order_per_kind",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="gas_order_done_has_date",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("billing:work_order_detail", args=[self.pk])
