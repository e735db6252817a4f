"""Follow-up plans (data, per project), and the follow-ups they schedule (R-VIS-03, R-VIS-07).

A plan names the archive event that starts it and its steps: N days after the event (or N
working days), who calls, by phone or visit, what to ask. The handler in visits.followups
turns a recorded event into one FollowUp per step; the unique key (event, step) makes each
exist once. The beat sweep (visits.sweep) notifies callers and escalates overdue rows; it
writes only the sweep columns, with conditional updates, so follow-ups are not history-audited
— FollowUpRecord is their append-only log instead.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from archives.models import EventKind
from archives.models.profile import Bilingual


class CallerKind(models.TextChoices):
    OWNER = "owner", _("Customer's consultant")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    SPECIALIST = "specialist", _("Specialist")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("Visit")


class FollowUpPlan(Bilingual, models.Model):
    """回访计划: one per starting event, for the whole company (no project) or one project.

    A project's own plan — active or not — replaces the company default for that event."""

    project = models.ForeignKey(
        "crm.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_up_plans",
        help_text=_("Empty for the company's default plan"),
    )
    trigger = models.CharField(_("starting event"), max_length=25, choices=EventKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate after (days overdue)"),
        default=3,
        help_text=_("An open follow-up this many days past its due date goes to the manager"),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up plan")
        verbose_name_plural = _("follow-up plans")
        ordering = ["project", "trigger"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "trigger"],
                condition=Q(project__isnull=False),
                name="followup_plan_once_per_project",
            ),
            models.UniqueConstraint(
                fields=["trigger"],
                condition=Q(project__isnull=True),
                name="followup_plan_one_default",
            ),
            models.CheckConstraint(
                condition=Q(escalate_after_days__gte=1), name="followup_plan_escalates_later"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.pick(self.name_zh, self.name_en)


class FollowUpStep(Bilingual, models.Model):
    plan = models.ForeignKey(FollowUpPlan, on_delete=models.CASCADE, related_name="steps")
    offset_days = models.PositiveSmallIntegerField(
        _("days after the event"), help_text=_("The call is due by then")
    )
    working_days = models.BooleanField(
        _("count working days"),
        default=False,
        help_text=_("Skip weekends and public holidays when counting"),
    )
    window_days = models.PositiveSmallIntegerField(
        _("call from (days before due)"),
        default=0,
        help_text=_("The call appears on the list this many days before it is due"),
    )
    caller = models.CharField(_("who calls"), max_length=20, choices=CallerKind.choices)
    channel = models.CharField(
        pgettext_lazy("contact channel", "by"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.PHONE,
    )
    question_zh = models.CharField(_("what to ask (Chinese)"), max_length=300)
    question_en = models.CharField(_("what to ask (English)"), max_length=400, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up step")
        verbose_name_plural = _("follow-up steps")
        ordering = ["plan", "offset_days", "pk"]

    def __str__(self):
        return f"{self.offset_days} · {self.get_caller_display()}"

    @property
    def question(self) -> str:
        return self.pick(self.question_zh, self.question_en)


class CallerAssignment(models.Model):
    """Who calls as customer service or as the specialist for a project's customers. Without
    a row, the customer-service colleague with the fewest open calls is chosen."""

    project = models.ForeignKey(
        "crm.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )
    caller_kind = models.CharField(
        _("calls as"),
        max_length=20,
        choices=[c for c in CallerKind.choices if c[0] != CallerKind.OWNER],
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("caller assignment")
        verbose_name_plural = _("caller assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "caller_kind"], name="caller_assignment_unique"
            )
        ]

    def __str__(self):
        return f"{self.project} · {self.get_caller_kind_display()}"


class FollowUpKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up")
    RETURN_VISIT = "return_visit", _("Return visit")
    GREETING = "greeting", _("Greeting call")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class SweepState(models.TextChoices):
    IDLE = "idle", _("Idle")
    PROCESSING = "processing", _("Processing")


class Outcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NOT_REACHED = "not_reached", _("Not reached")
    RESCHEDULED = "rescheduled", _("Rescheduled")


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=FollowUpStatus.OPEN)

    def on_list(self, today):
        """Open calls whose day has come, for customers whose archive is not void."""
        return self.open().filter(call_on__lte=today, customer__voided_at__isnull=True)

    def overdue(self, today):
        return self.open().filter(due_on__lt=today, customer__voided_at__isnull=True)

    def for_list(self):
        return self.select_related("customer", "caller", "step", "event")

    def overdue_first(self, today):
        """Overdue calls first (oldest deadline first), then by deadline."""
        return self.annotate(
            is_overdue=models.Case(
                models.When(due_on__lt=today, then=models.Value(0)),
                default=models.Value(1),
                output_field=models.IntegerField(),
            )
        ).order_by("is_overdue", "due_on", "pk")


class FollowUp(Bilingual, models.Model):
    """One call or visit due to one customer, by one caller, by a deadline."""

    # Foreign keys carry no index of their own: the composite indexes below lead with the
    # columns that are searched, and every extra index is written twice per row per sweep.
    customer = models.ForeignKey(
        "archives.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
        db_index=False,
    )
    project = models.ForeignKey(
        "crm.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    event = models.ForeignKey(
        "archives.CustomerEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        db_index=False,
    )
    step = models.ForeignKey(
        FollowUpStep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        db_index=False,
    )
    kind = models.CharField(
        _("kind"), max_length=15, choices=FollowUpKind.choices, default=FollowUpKind.FOLLOW_UP
    )
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caller"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
        db_index=False,
    )
    caller_kind = models.CharField(
        _("calls as"), max_length=20, choices=CallerKind.choices, default=CallerKind.OWNER
    )
    channel = models.CharField(
        pgettext_lazy("contact channel", "by"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.PHONE,
    )
    # Copied from the step: what was asked stays readable if the plan changes later.
    question_zh = models.CharField(_("what to ask"), max_length=300)
    question_en = models.CharField(max_length=400, blank=True)
    due_on = models.DateField(_("due on"))
    call_on = models.DateField(_("call on"), help_text=_("On the caller's list from this day"))
    escalate_on = models.DateField(_("escalate on"))
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    outcome = models.CharField(_("result"), max_length=15, choices=Outcome.choices, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    # Written by the sweep only.
    notified_on = models.DateField(null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    sweep_state = models.CharField(
        max_length=10, choices=SweepState.choices, default=SweepState.IDLE
    )
    claim_token = models.CharField(max_length=32, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "step"],
                condition=Q(event__isnull=False, step__isnull=False),
                name="followup_once_per_event_step",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="followup_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="followup_done_has_date",
            ),
        ]
        indexes = [
            # The sweep's two questions, on open rows only: whose call day has come, and
            # which are late enough to escalate.
            # Rows leave the first index once notified for their day, so each batch of a
            # long sweep starts where the work is instead of re-reading finished rows.
            models.Index(
                fields=["call_on"],
                condition=Q(status="open", sweep_state="idle")
                & (Q(notified_on__isnull=True) | Q(notified_on__lt=F("call_on"))),
                name="followup_due_idx",
            ),
            models.Index(
                fields=["escalate_on"],
                condition=Q(status="open", escalated_at__isnull=True),
                name="followup_escalate_idx",
            ),
            models.Index(
                fields=["claim_token", "claimed_at"],
                condition=Q(sweep_state="processing"),
                name="followup_claimed_idx",
            ),
            models.Index(fields=["caller", "status", "call_on"], name="followup_caller_idx"),
            models.Index(fields=["customer", "status"], name="followup_customer_idx"),
            models.Index(fields=["due_on"], name="followup_due_on_idx"),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.due_on}"

    def get_absolute_url(self):
        return reverse("visits:followup_detail", args=[self.pk])

    @property
    def question(self) -> str:
        return self.pick(self.question_zh, self.question_en)

    @property
    def is_open(self) -> bool:
        return self.status == FollowUpStatus.OPEN

    @property
    def overdue_days(self) -> int:
        if not self.is_open:
            return 0
        return max((timezone.localdate() - self.due_on).days, 0)

    @property
    def on_time(self) -> bool | None:
        if self.completed_on is None:
            return None
        return self.completed_on <= self.due_on

    @property
    def step_label(self) -> str:
        if self.step_id and self.event_id:
            return str(_("Day %(n)s") % {"n": (self.due_on - self.event.occurred_on).days})
        return ""


# Conditions the sweep and the dashboards share.
DUE_FOR_NOTICE = Q(notified_on__isnull=True) | Q(notified_on__lt=F("call_on"))


class RecordAction(models.TextChoices):
    RESULT = "result", _("Result")
    REASSIGNED = "reassigned", _("Reassigned")
    ESCALATED = "escalated", _("Escalated")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUpRecord(models.Model):
    """The follow-up's log: every call result, reassignment, escalation and cancellation."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="records")
    action = models.CharField(_("action"), max_length=12, choices=RecordAction.choices)
    outcome = models.CharField(_("result"), max_length=15, choices=Outcome.choices, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    rescheduled_to = models.DateField(_("call again on"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow-up record")
        verbose_name_plural = _("follow-up records")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.follow_up_id} {self.action}"
