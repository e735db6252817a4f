"""Settlement statements (气费结算单, QF-…), their tier lines, payments (SK-…) and credit /
debit notes (TZ-…) (R-BIL-02, R-BIL-04).

What a statement bills — period, readings, volume, lines, amounts, due date — is fixed when
it is issued. Afterwards only its settlement (payments, notes, signature, the cashier's
sign-off, the arrears ladder) moves, and once it is paid nothing of it changes any more:
corrections are credit or debit notes. `Statement.save()` enforces both.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import DecimalField, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from billing.models.accounts import GasAccount, UserType
from billing.models.readings import Reading
from billing.models.tariffs import Tariff
from crm.models import NumberedForm
from crm.numbering import FormKind

ZERO = Decimal("0.00")


class ImmutableStatement(Exception):
    """A statement's billed content, or a paid statement, was about to be changed."""


class StatementStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("gas statement", "Unpaid")
    PART_PAID = "part_paid", pgettext_lazy("gas statement", "Part paid")
    PAID = "paid", pgettext_lazy("gas statement", "Paid")


UNPAID = (StatementStatus.ISSUED, StatementStatus.PART_PAID)


class LadderStep(models.TextChoices):
    """The arrears ladder of §7 7–8, one step after another (R-BIL-05)."""

    CURRENT = "current", _("Not yet due")
    OVERDUE = "overdue", _("Overdue: notice to be given")
    NOTIFIED = "notified", _("Customer notified")
    ARREARS_NOTICE = "arrears_notice", _("Arrears notice issued")
    SUSPENSION_REQUESTED = "suspension_requested", _("Suspension requested")
    SUSPENDED = "suspended", _("Supply suspended")


def signature_path(instance, filename: str) -> str:
    return f"billing/signatures/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.png"


def outstanding_expression():
    return ExpressionWrapper(
        F("total_due") + F("adjusted_total") - F("paid_total"),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


class StatementQuerySet(models.QuerySet):
    def unpaid(self):
        return self.filter(status__in=UNPAID)

    def with_outstanding(self):
        return self.annotate(outstanding_amount=outstanding_expression())

    def for_list(self):
        return self.select_related(
            "account__customer", "account__unit__floor__building__project", "filled_by"
        )


class Statement(NumberedForm):
    NUMBER_KIND = FormKind.GAS_STATEMENT

    # The fields that make up what was billed; never changed after issue.
    BILLED_FIELDS = frozenset(
        {
            "number",
            "account",
            "user_type",
            "period_start",
            "period_end",
            "opening_reading",
            "closing_reading",
            "volume",
            "gas_amount",
            "carried_in",
            "total_due",
            "issued_on",
            "due_on",
            "filled_by",
            "filled_at",
        }
    )

    account = models.ForeignKey(
        GasAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="statements"
    )
    user_type = models.CharField(_("user type"), max_length=16, choices=UserType.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    opening_reading = models.ForeignKey(
        Reading, verbose_name=_("previous reading"), on_delete=models.PROTECT, related_name="+"
    )
    closing_reading = models.OneToOneField(
        Reading,
        verbose_name=_("this reading"),
        on_delete=models.PROTECT,
        related_name="closing_statement",
    )
    volume = models.DecimalField(_("volume (m³)"), max_digits=12, decimal_places=2)
    gas_amount = models.DecimalField(_("gas charge"), max_digits=12, decimal_places=2)
    carried_in = models.DecimalField(
        _("brought forward"),
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        help_text=_("Positive: owed from before; negative: credit used"),
    )
    total_due = models.DecimalField(_("amount due"), max_digits=12, decimal_places=2)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("pay by"))

    status = models.CharField(
        _("status"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.ISSUED
    )
    paid_total = models.DecimalField(
        pgettext_lazy("gas statement", "paid"), max_digits=12, decimal_places=2, default=ZERO
    )
    adjusted_total = models.DecimalField(
        _("credit / debit notes"), max_digits=12, decimal_places=2, default=ZERO
    )
    settled_on = models.DateField(_("settled on"), null=True, blank=True)

    signature = models.FileField(
        pgettext_lazy("gas statement", "customer's signature"),
        upload_to=signature_path,
        blank=True,
        max_length=200,
    )
    signed_on_paper = models.BooleanField(
        pgettext_lazy("gas statement", "signed on paper"), default=False
    )
    signer_name = models.CharField(_("signed by"), max_length=50, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    ladder_step = models.CharField(
        _("arrears step"), max_length=24, choices=LadderStep.choices, default=LadderStep.CURRENT
    )
    overdue_on = models.DateField(_("overdue since"), null=True, blank=True)
    notified_on = models.DateField(_("notified on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["signature"])
    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("gas settlement statement")
        verbose_name_plural = _("gas settlement statements")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(volume__gte=0), name="statement_volume_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(total_due__gte=0), name="statement_total_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="statement_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("issued_on")), name="statement_due_after_issue"
            ),
            models.CheckConstraint(
                condition=Q(paid_total__gte=0)
                & Q(paid_total__lte=models.F("total_due") + models.F("adjusted_total")),
                name="statement_never_overpaid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "ladder_step", "due_on"], name="statement_ladder_idx"),
            models.Index(fields=["account", "-period_end"], name="statement_account_idx"),
            models.Index(fields=["issued_on", "user_type"], name="statement_issued_idx"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("billing:statement_detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = getattr(instance, "status", None)
        return instance

    def save(self, *args, **kwargs):
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or set(update_fields) & self.BILLED_FIELDS:
                raise ImmutableStatement(f"{self.number}: issued content cannot be changed")
            if getattr(self, "_stored_status", None) == StatementStatus.PAID:
                raise ImmutableStatement(f"{self.number}: a paid statement cannot be changed")
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args, **kwargs):
        raise ImmutableStatement(f"{self.number}: statements are never deleted")

    @property
    def outstanding(self) -> Decimal:
        return self.total_due + self.adjusted_total - self.paid_total

    @property
    def is_paid(self) -> bool:
        return self.status == StatementStatus.PAID

    @property
    def is_signed(self) -> bool:
        return bool(self.signature) or self.signed_on_paper

    @property
    def period_days(self) -> int:
        return (self.period_end - self.period_start).days


class StatementLine(models.Model):
    """One price band of a statement: a stretch of days at one tariff and one tier."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(GasAccount, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    start = models.DateField(_("period from"))
    end = models.DateField(_("period to"))
    tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, related_name="+")
    tier = models.PositiveSmallIntegerField(_("tier"))
    volume = models.DecimalField(_("volume (m³)"), max_digits=12, decimal_places=2)
    price = models.DecimalField(_("price (yuan/m³)"), max_digits=8, decimal_places=4)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement", "start", "tier", "pk"]
        indexes = [models.Index(fields=["account", "year"], name="statement_line_year_idx")]

    def __str__(self):
        return f"{self.statement_id} {self.start}–{self.end} {self.tier}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Bank card")
    TRANSFER = "transfer", _("Bank transfer")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")

    @classmethod
    def needs_reference(cls) -> set[str]:
        return {cls.TRANSFER, cls.WECHAT, cls.ALIPAY}


class Payment(NumberedForm):
    """A payment at the service hall (R-BIL-04); the number is the receipt's (SK-…).

    `applied` settles the statement; whatever exceeds its balance is `to_credit`, carried
    forward on the account.
    """

    NUMBER_KIND = FormKind.RECEIPT

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.PROTECT, related_name="payments"
    )
    account = models.ForeignKey(GasAccount, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount received"), max_digits=12, decimal_places=2)
    applied = models.DecimalField(_("applied to the statement"), max_digits=12, decimal_places=2)
    to_credit = models.DecimalField(_("carried forward as credit"), max_digits=12, decimal_places=2)
    method = models.CharField(_("payment method"), max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(
        _("transaction reference"),
        max_length=64,
        blank=True,
        help_text=_("Bank, WeChat or Alipay transaction number"),
    )
    received_on = models.DateField(_("payment received on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("gas statement", "payment")
        verbose_name_plural = pgettext_lazy("gas statement", "payments")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(applied__gte=0, to_credit__gte=0)
                & Q(amount=models.F("applied") + models.F("to_credit")),
                name="payment_split_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(method__in=["cash", "card"]) | ~Q(reference=""),
                name="payment_reference_for_transfers",
            ),
        ]
        indexes = [models.Index(fields=["received_on", "method"], name="payment_received_idx")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("billing:receipt", args=[self.pk])


class AdjustmentKind(models.TextChoices):
    CREDIT = "credit", _("Credit note")
    DEBIT = "debit", _("Debit note")


class Adjustment(NumberedForm):
    """A credit or debit note (TZ-…): the only way to correct an issued statement.

    `applied` is the signed part that changed the statement's balance; `to_account` the signed
    part carried on the account (a credit beyond the balance, or a debit on a paid statement).
    """

    NUMBER_KIND = FormKind.CREDIT_NOTE

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.PROTECT, related_name="adjustments"
    )
    account = models.ForeignKey(GasAccount, on_delete=models.PROTECT, related_name="adjustments")
    kind = models.CharField(_("kind"), max_length=6, choices=AdjustmentKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    applied = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    to_account = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    issued_on = models.DateField(_("issued on"))

    class Meta:
        verbose_name = _("credit / debit note")
        verbose_name_plural = _("credit / debit notes")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="adjustment_amount_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="adjustment_has_reason"),
        ]

    def __str__(self):
        return self.number

    @property
    def signed_amount(self) -> Decimal:
        return self.amount if self.kind == AdjustmentKind.DEBIT else -self.amount
