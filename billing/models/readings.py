"""Meter readings, the schedules that say when each user type is read, and the configurable
limits of the sanity checks and the arrears ladder (R-BIL-02, R-BIL-03)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from billing.models.accounts import GasAccount, Meter, UserType

# §7 4: public-welfare and commercial users are read on the 20th–25th of each month.
POLICY_WINDOW = (20, 25)
# Until an administrator enters a schedule: (first day, last day, every … months, first month).
DEFAULT_SCHEDULES = {
    UserType.RESIDENTIAL: (10, 15, 1, 1),
    UserType.PUBLIC_WELFARE: (*POLICY_WINDOW, 1, 1),
    UserType.COMMERCIAL: (*POLICY_WINDOW, 1, 1),
}


class ReadingSchedule(models.Model):
    """When a user type is read: a window of days in the months it is due."""

    user_type = models.CharField(
        _("user type"), max_length=16, choices=UserType.choices, unique=True
    )
    first_day = models.PositiveSmallIntegerField(_("from day"))
    last_day = models.PositiveSmallIntegerField(_("to day"))
    every_months = models.PositiveSmallIntegerField(
        _("every … months"), default=1, help_text=_("1: monthly, 2: every other month")
    )
    start_month = models.PositiveSmallIntegerField(
        _("first month"), default=1, help_text=_("A month in which the reading is due (1–12)")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reading schedule")
        verbose_name_plural = _("reading schedules")
        ordering = ["user_type"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    first_day__gte=1, last_day__lte=28, first_day__lte=models.F("last_day")
                ),
                name="reading_window_within_month",
            ),
            models.CheckConstraint(
                condition=Q(every_months__gte=1, every_months__lte=12, start_month__gte=1)
                & Q(start_month__lte=12),
                name="reading_interval_valid",
            ),
            models.CheckConstraint(
                condition=Q(user_type="residential")
                | Q(first_day__gte=POLICY_WINDOW[0], last_day__lte=POLICY_WINDOW[1]),
                name="public_and_commercial_read_20th_to_25th",
            ),
        ]

    def __str__(self):
        return f"{self.get_user_type_display()} {self.first_day}–{self.last_day}"

    @classmethod
    def all_types(cls) -> dict[str, ReadingSchedule]:
        """Every user type's schedule: the entered one, else the default of §7."""
        schedules = {
            user_type: cls(
                user_type=user_type,
                first_day=first,
                last_day=last,
                every_months=every,
                start_month=start,
            )
            for user_type, (first, last, every, start) in DEFAULT_SCHEDULES.items()
        }
        schedules.update({schedule.user_type: schedule for schedule in cls.objects.all()})
        return schedules

    def is_due_in(self, year: int, month: int) -> bool:
        return (month - self.start_month) % self.every_months == 0

    def window(self, year: int, month: int) -> tuple[dt.date, dt.date]:
        return dt.date(year, month, self.first_day), dt.date(year, month, self.last_day)


class BillingPolicy(models.Model):
    """The limits an administrator may tune. One row; `current()` falls back to the defaults."""

    jump_multiple = models.DecimalField(
        _("jump multiple"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("3.00"),
        help_text=_(
            "Hold a reading whose daily use exceeds this multiple of the account's average"
        ),
    )
    jump_min_periods = models.PositiveSmallIntegerField(
        _("periods needed for an average"), default=2
    )
    long_gap_days = models.PositiveSmallIntegerField(
        _("long gap (days)"),
        default=70,
        help_text=_("Hold a reading taken this many days or more after the previous one"),
    )
    payment_days = models.PositiveSmallIntegerField(
        _("days to pay"), default=7, help_text=_("§7: payment within a week of the statement")
    )
    notice_workdays = models.PositiveSmallIntegerField(
        _("working days from notice to arrears notice"), default=3
    )
    suspension_workdays = models.PositiveSmallIntegerField(
        _("working days from arrears notice to suspension request"), default=3
    )
    collection_days = models.PositiveSmallIntegerField(
        _("working days counted by the collection rate"), default=3
    )
    collection_target = models.DecimalField(
        _("collection target (%)"), max_digits=5, decimal_places=2, default=Decimal("95.00")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("billing policy")
        verbose_name_plural = _("billing policy")

    def __str__(self):
        return str(_("Billing policy"))

    @classmethod
    def current(cls) -> BillingPolicy:
        return cls.objects.order_by("pk").first() or cls()


class ReadingKind(models.TextChoices):
    INITIAL = "initial", _("First reading of a new meter")
    REGULAR = "regular", _("Regular reading")
    FINAL = "final", _("Last reading of a removed meter")


class ReadingStatus(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("gas reading", "Accepted")
    HELD = "held", _("Held for review")
    REJECTED = "rejected", pgettext_lazy("gas reading", "Rejected")


class HoldReason(models.TextChoices):
    """Why a sanity check held a reading; `message()` gives the reason with its figures."""

    LOWER = "lower", _("Lower than the previous reading")
    JUMP = "jump", _("Use far above the account's average")
    NO_PREVIOUS = "no_previous", _("No previous reading to compare with")
    LONG_GAP = "long_gap", _("Long gap since the previous reading")

    @classmethod
    def message(cls, code: str, params: dict) -> str:
        templates = {
            cls.LOWER: _(
                "Reading %(value)s m³ is lower than the previous reading %(previous)s m³ "
                "of %(previous_on)s, and the meter was not changed."
            ),
            cls.JUMP: _(
                "%(daily)s m³ a day is more than %(multiple)s times the account's average of "
                "%(average)s m³ a day."
            ),
            cls.NO_PREVIOUS: _(
                "Meter %(meter)s has no earlier reading, so the use cannot be worked out."
            ),
            cls.LONG_GAP: _(
                "%(days)s days since the previous reading of %(previous_on)s "
                "(limit %(limit)s days)."
            ),
        }
        template = templates.get(code)
        if template is None:
            return code
        return str(template) % params


def reading_photo_path(instance, filename: str) -> str:
    # Private storage under a generated name: nothing of the customer reaches the disk.
    return f"billing/readings/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Reading(models.Model):
    account = models.ForeignKey(GasAccount, on_delete=models.PROTECT, related_name="readings")
    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="readings")
    kind = models.CharField(
        _("kind"), max_length=8, choices=ReadingKind.choices, default=ReadingKind.REGULAR
    )
    read_on = models.DateField(_("reading date"))
    value = models.DecimalField(_("reading (m³)"), max_digits=12, decimal_places=2)
    photo = models.FileField(_("photo"), upload_to=reading_photo_path, blank=True, max_length=200)
    photo_type = models.CharField(max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ReadingStatus.choices, default=ReadingStatus.ACCEPTED
    )
    hold_reasons = models.JSONField(_("reasons held"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    # Who must follow a held reading up on site; passes on at a staff handover.
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("follow-up by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_gas_readings",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["photo_type"])

    class Meta:
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")
        ordering = ["account", "read_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="reading_not_negative"),
            models.CheckConstraint(
                condition=Q(kind="regular") | Q(status="accepted"),
                name="meter_change_readings_are_accepted",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "status", "read_on"], name="reading_account_idx"),
            models.Index(fields=["meter", "read_on"], name="reading_meter_idx"),
            models.Index(
                fields=["status", "kind"],
                condition=Q(status="held"),
                name="reading_held_idx",
            ),
        ]

    def __str__(self):
        return f"{self.meter_id} {self.read_on} {self.value}"

    def get_absolute_url(self):
        return reverse("billing:reading_detail", args=[self.pk])

    @property
    def is_held(self) -> bool:
        return self.status == ReadingStatus.HELD

    def hold_messages(self) -> list[str]:
        return [
            HoldReason.message(item["code"], item.get("params", {})) for item in self.hold_reasons
        ]

    def hold_labels(self) -> list[str]:
        labels = dict(HoldReason.choices)
        return [str(labels.get(item["code"], item["code"])) for item in self.hold_reasons]
