"""Complaints and suggestions (R-CMP-01 … 05): the complaint itself, the five clears it moves
through, the customer's confirmation, the incoming-document register of written complaints,
the activity log, and the reply deadlines an administrator configures per severity."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from crm.models import NumberedForm
from crm.numbering import FormKind

# Replies are due by the end of the office day (§9: 8:30–17:30).
OFFICE_CLOSES = dt.time(17, 30)


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")


class Channel(models.TextChoices):
    """§1 五: by phone, in writing or face to face — and online."""

    PHONE = "phone", _("By phone")
    WRITTEN = "written", _("In writing")
    FACE_TO_FACE = "face", _("Face to face")
    ONLINE = "online", _("Online")


class Category(models.TextChoices):
    SERVICE = "service", _("Service")
    QUALITY = "quality", _("Quality")
    FEES = "fees", _("Fees")
    REPAIRS = "repairs", pgettext_lazy("complaint category", "Repairs")
    NEIGHBOURS = "neighbours", _("Neighbours")
    SALES_PROMISE = "sales_promise", _("Sales promise")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")


class Status(models.TextChoices):
    NEW = "new", _("Waiting to be heard")
    HANDLING = "handling", _("Being handled")
    REPLIED = "replied", _("Replied, to be recorded")
    CLOSED = "closed", _("Closed")


class StepKind(models.TextChoices):
    """五清楚 (§11), in their order; the fifth closes the complaint."""

    HEARD = "heard", _("Heard")
    ASKED = "asked", _("Asked")
    FOLLOWED = "followed", _("Followed")
    REPLIED = "replied", _("Replied")
    RECORDED = "recorded", pgettext_lazy("complaint step", "Recorded")


STEP_ORDER = list(StepKind.values)
# What each step asks for, in the policy's words (shown as the step's help).
STEP_HELP = {
    StepKind.HEARD: _("The customer's own words: let them finish, do not interrupt."),
    StepKind.ASKED: _("The facts, asked calmly: when, where, who, what they want."),
    StepKind.FOLLOWED: _("Forwarded to whom, and the actions taken, until it is solved."),
    StepKind.REPLIED: _("The answer given to the customer, and how it was given."),
    StepKind.RECORDED: _("The outcome and the customer's opinion, with their confirmation."),
}
# Steps that hold from the first round: a reopened complaint is followed, replied and
# recorded again, but what the customer said and the facts stay on file.
KEPT_ON_REOPEN = {StepKind.HEARD, StepKind.ASKED}


class ReplyMethod(models.TextChoices):
    PHONE = "phone", _("By phone")
    SMS = "sms", _("By text message")
    IN_PERSON = "in_person", _("In person")
    WRITTEN = "written", _("In writing")
    ONLINE = "online", _("Online")


class Opinion(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class ConfirmationKind(models.TextChoices):
    SIGNATURE = "signature", _("Signed on screen")
    WRITTEN_FORM = "form", _("Returned written form")
    PHONE = "phone", _("Confirmed by phone")


class ReplyDeadline(models.Model):
    """How many working days a reply may take, per severity; set by an administrator."""

    DEFAULTS = {"general": (3, 4), "major": (1, 2)}  # (working days, warn hours before)

    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, unique=True)
    workdays = models.PositiveSmallIntegerField(
        _("working days to reply"),
        help_text=_("Counted on the work calendar; 0 means by the end of the same working day."),
    )
    warn_hours = models.PositiveSmallIntegerField(
        _("warn hours before"), help_text=_("The handler is warned this long before the deadline.")
    )

    class Meta:
        verbose_name = _("reply deadline")
        verbose_name_plural = _("reply deadlines")
        ordering = ["severity"]
        constraints = [
            models.CheckConstraint(
                condition=Q(warn_hours__lte=240), name="reply_deadline_warn_within_ten_days"
            )
        ]

    def __str__(self):
        return f"{self.get_severity_display()}: {self.workdays}"

    @classmethod
    def rule_for(cls, severity: str) -> tuple[int, int]:
        row = cls.objects.filter(severity=severity).values_list("workdays", "warn_hours").first()
        return tuple(row) if row else cls.DEFAULTS[severity]


class ComplaintQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=Status.CLOSED)

    def awaiting_reply(self):
        return self.open().filter(replied_at__isnull=True)

    def overdue(self, now=None):
        return self.awaiting_reply().filter(reply_due_at__lt=now or timezone.now())

    def for_list(self):
        return self.select_related(
            "customer", "unit__floor__building__project", "department", "handler"
        )


class Complaint(NumberedForm):
    """One complaint or suggestion, from intake to the customer's confirmation (R-CMP-01…04).

    filled_by / filled_at of the numbered form are who took it and when it was received.
    """

    NUMBER_KIND = FormKind.COMPLAINT

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPLAINT)
    channel = models.CharField(
        pgettext_lazy("complaint", "channel"), max_length=10, choices=Channel.choices
    )
    category = models.CharField(_("category"), max_length=15, choices=Category.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )

    # Who complains: an archive, or an unknown caller (name + phone) linked later.
    customer = models.ForeignKey(
        "archives.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    caller_name = models.CharField(_("caller's name"), max_length=50, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=20, blank=True)
    unit = models.ForeignKey(
        "crm.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )

    subject = models.CharField(_("subject"), max_length=100)
    description = models.TextField(_("what the customer says"))

    department = models.ForeignKey(
        "crm.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    concerned_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_complaints",
    )

    # The reply deadline (R-CMP-03) and the sweep's marks on it.
    reply_due_at = models.DateTimeField(_("reply due"))
    warn_at = models.DateTimeField(_("warn from"))
    warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Beyond the department's authority: its head, with a promised reply time.
    referred_at = models.DateTimeField(_("referred to the head at"), null=True, blank=True)
    promised_reply_at = models.DateTimeField(_("promised reply"), null=True, blank=True)
    promise_told_via = models.CharField(
        _("customer told by"), max_length=10, choices=ReplyMethod.choices, blank=True
    )

    replied_at = models.DateTimeField(
        pgettext_lazy("complaint", "replied at"), null=True, blank=True
    )
    first_replied_at = models.DateTimeField(_("first replied at"), null=True, blank=True)
    first_reply_late = models.BooleanField(_("first reply late"), null=True, blank=True)

    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    first_closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    outcome = models.TextField(pgettext_lazy("complaint", "outcome"), blank=True)
    opinion = models.CharField(
        _("customer's opinion"), max_length=12, choices=Opinion.choices, blank=True
    )
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)

    history = HistoricalRecords(excluded_fields=["warned_at", "escalated_at"])
    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-filled_at", "-pk"]
        constraints = [
            # 有解必答 (§15): nothing is closed without a reply to the customer (R-CMP-04).
            models.CheckConstraint(
                condition=~Q(status="closed")
                | Q(replied_at__isnull=False, closed_at__isnull=False),
                name="complaint_closed_only_after_reply",
            ),
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | (~Q(caller_name="") & ~Q(caller_phone="")),
                name="complaint_unknown_caller_leaves_name_and_phone",
            ),
            models.CheckConstraint(
                condition=Q(referred_at__isnull=True) | Q(promised_reply_at__isnull=False),
                name="complaint_referral_promises_a_reply_time",
            ),
            models.CheckConstraint(
                condition=Q(warn_at__lte=models.F("reply_due_at")),
                name="complaint_warning_before_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "reply_due_at"], name="complaint_status_due_idx"),
            models.Index(fields=["department", "status"], name="complaint_department_idx"),
            models.Index(fields=["handler", "status"], name="complaint_handler_idx"),
            models.Index(fields=["-filled_at", "-id"], name="complaint_received_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"

    def get_absolute_url(self):
        return reverse("complaints:complaint_detail", args=[self.pk])

    @property
    def received_at(self) -> dt.datetime:
        return self.filled_at

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def is_major(self) -> bool:
        return self.severity == Severity.MAJOR

    @property
    def is_written(self) -> bool:
        return self.channel == Channel.WRITTEN

    @property
    def clock_runs(self) -> bool:
        return not self.is_closed and self.replied_at is None

    @property
    def warn_minutes(self) -> int:
        return max(0, int((self.reply_due_at - self.warn_at).total_seconds() // 60))

    @property
    def is_overdue(self) -> bool:
        return self.clock_runs and self.reply_due_at < timezone.now()

    @property
    def who(self) -> str:
        """The customer's name, or the unknown caller's."""
        return self.customer.name if self.customer_id else self.caller_name


class ComplaintStep(models.Model):
    """One entry of the five clears, with who and when (R-CMP-02). Entries are never edited;
    `round` is the complaint's reopen count when the entry was made."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(
        pgettext_lazy("complaint", "step"), max_length=10, choices=StepKind.choices
    )
    round = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("record"))
    method = models.CharField(_("how"), max_length=10, choices=ReplyMethod.choices, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("five-clears entry")
        verbose_name_plural = _("five-clears entries")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="complaint_step_has_text"),
            models.CheckConstraint(
                condition=~Q(kind="replied") | ~Q(method=""),
                name="complaint_reply_says_how",
            ),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.kind}"


def confirmation_path(instance, filename: str) -> str:
    # Never the customer's name or the uploaded file's name on disk.
    return f"complaints/confirmations/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Confirmation(models.Model):
    """The customer's confirmation of the outcome (R-CMP-04), kept for every closing.

    A signature drawn on screen is stored as a PNG; a returned written form as its scan;
    both in private storage, served only through a permission-checked view.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="confirmations")
    round = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("confirmation"), max_length=10, choices=ConfirmationKind.choices)
    file = models.FileField(_("file"), upload_to=confirmation_path, max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("customer confirmation")
        verbose_name_plural = _("customer confirmations")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "round"], name="complaint_confirmation_once_per_round"
            ),
            models.CheckConstraint(
                condition=Q(kind="phone") | ~Q(file=""), name="complaint_confirmation_has_file"
            ),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.kind}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Delivery(models.TextChoices):
    POST = "post", _("By post")
    BY_HAND = "hand", _("Delivered by hand")
    EMAIL = "email", _("By email")
    FAX = "fax", _("By fax")


class IncomingDocument(NumberedForm):
    """收文登记簿: a written complaint is registered with its own number and presented to
    the company's leadership (§11 二(三)); the reply goes back in writing."""

    NUMBER_KIND = FormKind.INCOMING_DOCUMENT

    complaint = models.OneToOneField(
        Complaint, on_delete=models.PROTECT, related_name="incoming_document"
    )
    received_on = models.DateField(_("received on"))
    sender = models.CharField(_("sender"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    delivery = models.CharField(
        _("delivered"), max_length=10, choices=Delivery.choices, default=Delivery.BY_HAND
    )
    pages = models.PositiveSmallIntegerField(_("pages"), default=1)
    presented_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("presented to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    presented_at = models.DateTimeField(_("presented at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(pages__gte=1), name="incoming_document_has_pages")
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class LogAction(models.TextChoices):
    RECEIVED = "received", _("Received")
    REGISTERED = "registered", _("Registered as incoming document")
    TAKEN = "taken", _("Taken on")
    FORWARDED = "forwarded", _("Forwarded")
    REFERRED = "referred", _("Referred to the department head")
    RECLASSIFIED = "reclassified", _("Reclassified")
    LINKED = "linked", _("Linked to an archive")
    WARNED = "warned", _("Deadline warning")
    ESCALATED = "escalated", _("Escalated: deadline passed")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    SIGNED_OFF = "signed_off", _("Signed off")
    HANDED_OVER = "handed_over", _("Handed over")


class ComplaintLog(models.Model):
    """Everything done to a complaint besides the five clears; `by` is empty for the sweep."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="log")
    action = models.CharField(_("action"), max_length=15, choices=LogAction.choices)
    text = models.CharField(_("details"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("complaint log entry")
        verbose_name_plural = _("complaint log")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.complaint_id} {self.action}"

    @property
    def display_text(self) -> str:
        """Codes stored by the services, shown in the reader's language."""
        if self.action == LogAction.RECEIVED and self.text in Channel.values:
            return Channel(self.text).label
        if self.action == LogAction.CLOSED and self.text in Opinion.values:
            return Opinion(self.text).label
        if self.action == LogAction.RECLASSIFIED:
            names = [name for name in self.text.split(",") if name]
            return "、".join(str(Complaint._meta.get_field(name).verbose_name) for name in names)
        return self.text
