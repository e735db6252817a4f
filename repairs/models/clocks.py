"""SLA clocks (R-REP-06): each time limit of §8 is a row that starts and stops on recorded
events, so it can be shown while it runs, warned about before it breaks and reported after.

The limits themselves are data (ClockLimit), seeded from the policy and changed in the admin;
a clock keeps the limit it was started with, so changing a limit never rewrites the past.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ClockKind(models.TextChoices):
    WRITE = "write", _("Order written (from the call)")
    NOTIFY = "notify", _("Engineering notified")
    QUOTE = "quote", _("Feasibility and price of an unlisted job")
    ONSITE_URGENT = "onsite_urgent", _("On site (urgent listed job)")
    ONSITE_APPOINTMENT = "onsite_appointment", _("On site before the appointment")
    PUBLIC_NOTIFY = "public_notify", _("Engineering notified (public area)")
    PUBLIC_ONSITE = "public_onsite", _("On site (public area)")
    RETURN = "return", _("Order returned to the supervisor")


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    MET = "met", _("Met")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


class ClockLimit(models.Model):
    """How long each clock runs. `minutes` means: the limit after the start (write, notify,
    quote, on site), or how many minutes before the appointment (appointment). The return
    clock ends at `due_time` of the day the work was completed."""

    kind = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices, unique=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    warn_before = models.PositiveSmallIntegerField(
        _("warn minutes before"), help_text=_("Who must act is warned this long before the end.")
    )
    due_time = models.TimeField(
        _("due at (time of day)"),
        null=True,
        blank=True,
        help_text=_("Only for the return of the order: the hour it is due, e.g. 17:00."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SLA limit")
        verbose_name_plural = _("SLA limits")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="return") | Q(due_time__isnull=False),
                name="clock_limit_return_has_time",
            )
        ]

    def __str__(self):
        return str(self.get_kind_display())


class ClockQuerySet(models.QuerySet):
    def running(self):
        return self.filter(state=ClockState.RUNNING)

    def broken(self):
        return self.filter(breached_at__isnull=False)


class Clock(models.Model):
    order = models.ForeignKey("repairs.WorkOrder", on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING
    )
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"))
    warn_at = models.DateTimeField(_("warn at"))
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    limit_minutes = models.PositiveSmallIntegerField(_("limit (minutes)"))
    warn_minutes = models.PositiveSmallIntegerField(_("warning (minutes)"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)
    # The moment the limit passed (= due_at) once it is known to be broken, and when the
    # sweep reported it; a clock stopped late is broken without a report of its own.
    breached_at = models.DateTimeField(_("broken at"), null=True, blank=True)
    breach_reported_at = models.DateTimeField(_("breach reported"), null=True, blank=True)

    objects = ClockQuerySet.as_manager()

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "kind"], name="one_clock_per_kind_and_order"),
            models.CheckConstraint(
                condition=Q(due_at__gte=F("started_at")) | Q(kind="onsite_appointment"),
                name="clock_due_after_start",
            ),
            models.CheckConstraint(
                condition=Q(state="running", stopped_at__isnull=True)
                | Q(state="cancelled")
                | Q(state__in=["met", "broken"], stopped_at__isnull=False),
                name="clock_stopped_when_finished",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "warn_at"], name="clock_running_warn_idx"),
            models.Index(fields=["state", "due_at"], name="clock_running_due_idx"),
        ]

    def __str__(self):
        return f"{self.order_id} {self.kind}"

    def minutes_left(self, now=None) -> int:
        now = now or timezone.now()
        return int((self.due_at - now).total_seconds() // 60)

    def display_state(self, now=None) -> str:
        """ok / warn / late while running; met / broken / cancelled after."""
        if self.state != ClockState.RUNNING:
            return self.state
        now = now or timezone.now()
        if now > self.due_at:
            return "late"
        return "warn" if now >= self.warn_at else "ok"

    @property
    def is_broken(self) -> bool:
        return self.breached_at is not None
