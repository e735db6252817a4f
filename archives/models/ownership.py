"""Whose customer is whose (R-ARC-08 … R-ARC-12): desk registrations, ownership events and
owner periods, 撞单 disputes, the walk-in duty rotation, protection rules of the public pool,
referrals (老带新), daily registration sheets and staff departures.

Rows here are written only by archives.ownership's services; the owner of a Customer changes
only through archives.ownership.services.change_owner, which closes one OwnerPeriod, opens the
next and records an OwnershipEvent naming the rule that applied.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from archives.models.customers import Customer

USER = settings.AUTH_USER_MODEL


class Channel(models.TextChoices):
    CALL = "call", _("Call")
    WALK_IN = "walk_in", _("Walk-in")
    SELF = "self", _("Self-developed")


class OwnershipRule(models.TextChoices):
    """The rule that decided a customer's owner — named on every ownership event (§6 3.1)."""

    FIRST_REGISTRATION = "first_registration", _("Earliest registration decides")
    NAMED_CONSULTANT = "named_consultant", _("Visitor named the consultant")
    ON_DUTY = "on_duty", _("New visitor to the consultant on duty")
    REFERRER_CONSULTANT = "referrer_consultant", _("Referred customer asked for the consultant")
    REFERRAL_ON_DUTY = "referral_on_duty", _("Referred customer to the consultant on duty")
    MANAGER_RULING = "manager_ruling", _("Manager's ruling")
    PROTECTION_EXPIRED = "protection_expired", _("Protection period expired")
    RELEASED = "released", _("Released by the consultant")
    POOL_CLAIM = "pool_claim", _("Claimed from the public pool")
    MANAGER_ASSIGNMENT = "manager_assignment", _("Assigned by the manager")
    STAFF_DEPARTURE = "staff_departure", _("Staff departure handover")
    RECORDED = "recorded", _("Recorded with the archive")


class OwnershipChange(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    CONFIRMED = "confirmed", _("Ownership confirmed")
    CLASH = "clash", _("Ownership clash")
    RULED = "ruled", _("Ruling")
    RECALLED = "recalled", _("Returned to the public pool")
    RELEASED = "released", _("Released to the public pool")
    CLAIMED = "claimed", _("Claimed from the public pool")
    TRANSFERRED = "transferred", _("Transferred")


# Changes that send a customer to the public pool and start the previous owner's reclaim lock.
TO_POOL = (OwnershipRule.PROTECTION_EXPIRED, OwnershipRule.RELEASED)


class Outcome(models.TextChoices):
    NEW = "new", _("New archive")
    KNOWN = "known", _("Known customer")
    FROM_POOL = "from_pool", _("From the public pool")
    CLASH = "clash", _("Ownership clash")


class Registration(models.Model):
    """One line of a consultant's 客户信息登记表: a call, walk-in or self-developed customer,
    registered at the desk with the time that decides ownership (§6 3.1.3)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="registrations")
    project = models.ForeignKey(
        "crm.Project", verbose_name=_("project"), on_delete=models.PROTECT, null=True, blank=True
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    day = models.DateField(_("day"))
    registered_by = models.ForeignKey(
        USER, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    consultant = models.ForeignKey(
        USER,
        verbose_name=_("consultant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="desk_registrations",
    )
    named_consultant = models.ForeignKey(
        USER,
        verbose_name=_("consultant named by the visitor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    referrer = models.ForeignKey(
        Customer,
        verbose_name=_("referred by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    asked_for_referrer_consultant = models.BooleanField(
        _("asked for the referrer's consultant"), default=False
    )
    agent_name = models.CharField(_("agent"), max_length=100, blank=True)
    is_intent = models.BooleanField(_("intent customer"), default=False)
    opened_archive = models.BooleanField(_("opened the archive"), default=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    rule = models.CharField(_("rule"), max_length=20, choices=OwnershipRule.choices)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["registered_at", "pk"]
        indexes = [
            models.Index(fields=["consultant", "day"], name="registration_sheet_idx"),
            models.Index(fields=["customer", "registered_at"], name="registration_customer_idx"),
            models.Index(fields=["day"], name="registration_day_idx"),
        ]

    def __str__(self):
        return (
            f"{self.registered_at:%Y-%m-%d %H:%M} {self.get_channel_display()} {self.customer_id}"
        )

    def save(self, *args, **kwargs):
        if self.day is None:
            self.day = timezone.localtime(self.registered_at).date()
        super().save(*args, **kwargs)


class Dispute(models.Model):
    """撞单: a second consultant registered a customer who already had an owner. The earliest
    registration holds until the sales manager rules (§6 3.1.3)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a ruling")
        RULED = "ruled", _("Ruled")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="disputes")
    incumbent = models.ForeignKey(
        USER, verbose_name=_("owner at the clash"), on_delete=models.PROTECT, related_name="+"
    )
    incumbent_registered_at = models.DateTimeField(_("owner registered at"))
    incumbent_registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    claimant = models.ForeignKey(
        USER, verbose_name=_("second consultant"), on_delete=models.PROTECT, related_name="+"
    )
    claimant_registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=6, choices=Status.choices, default=Status.OPEN
    )
    winner = models.ForeignKey(
        USER,
        verbose_name=_("customer goes to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ruling = models.TextField(_("ruling"), blank=True)
    ruled_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ruled_at = models.DateTimeField(_("ruled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ownership dispute")
        verbose_name_plural = _("ownership disputes")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "claimant"],
                condition=Q(status="open"),
                name="dispute_open_once_per_claimant",
            ),
            models.CheckConstraint(
                condition=~Q(incumbent=F("claimant")), name="dispute_two_consultants"
            ),
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.incumbent_id} / {self.claimant_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class OwnershipEvent(models.Model):
    """Every ownership decision, with the rule that applied: assignments, confirmations,
    clashes, rulings, moves to and from the public pool, transfers."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="ownership_events"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    change = models.CharField(_("change"), max_length=12, choices=OwnershipChange.choices)
    rule = models.CharField(_("rule"), max_length=20, choices=OwnershipRule.choices)
    from_owner = models.ForeignKey(
        USER, verbose_name=_("from"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    to_owner = models.ForeignKey(
        USER, verbose_name=_("to"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    dispute = models.ForeignKey(
        Dispute, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ownership event")
        verbose_name_plural = _("ownership events")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "-at"], name="ownership_event_customer_idx"),
            models.Index(fields=["to_owner", "change", "at"], name="ownership_event_claim_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.change} {self.customer_id}"


class OwnerPeriodQuerySet(models.QuerySet):
    def open(self):
        return self.filter(ended_at__isnull=True)

    def in_pool(self):
        return self.open().filter(owner__isnull=True)


class OwnerPeriod(models.Model):
    """Who owned the customer from when to when, and why it started and ended. A period with
    no owner is a stay in the public pool (公海). Exactly one period per customer is open."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="owner_periods")
    owner = models.ForeignKey(
        USER,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owner_periods",
    )
    started_at = models.DateTimeField(_("from"))
    start_rule = models.CharField(_("why it started"), max_length=20, choices=OwnershipRule.choices)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    end_rule = models.CharField(
        _("why it ended"), max_length=20, choices=OwnershipRule.choices, blank=True
    )
    warned_at = models.DateTimeField(_("protection warning sent"), null=True, blank=True)

    objects = OwnerPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("owner period")
        verbose_name_plural = _("owner periods")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(ended_at__isnull=True),
                name="owner_period_one_open",
            )
        ]
        indexes = [models.Index(fields=["owner", "ended_at"], name="owner_period_owner_idx")]

    def __str__(self):
        return f"{self.customer_id}: {self.owner_id or '-'} {self.started_at:%Y-%m-%d}"


# --- The walk-in duty rotation (轮排) -------------------------------------------------------


class DutyRoster(models.Model):
    """The day's rotation of consultants on duty at a project's sales office."""

    project = models.ForeignKey(
        "crm.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")
        ordering = ["-day", "project"]
        constraints = [
            models.UniqueConstraint(fields=["project", "day"], name="duty_roster_once_a_day")
        ]

    def __str__(self):
        return f"{self.project_id} {self.day}"


class DutySlot(models.Model):
    """A consultant's place in the queue. The next walk-in goes to the first consultant present
    in queue order, who then moves to the end; someone away is passed over and keeps their
    place at the front, so they lose no turn."""

    roster = models.ForeignKey(DutyRoster, on_delete=models.CASCADE, related_name="slots")
    consultant = models.ForeignKey(
        USER, verbose_name=_("consultant"), on_delete=models.PROTECT, related_name="duty_slots"
    )
    position = models.PositiveIntegerField(_("position"))
    is_away = models.BooleanField(_("away"), default=False)
    away_since = models.DateTimeField(null=True, blank=True)
    received = models.PositiveSmallIntegerField(_("walk-ins received"), default=0)
    last_received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("duty slot")
        verbose_name_plural = _("duty slots")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["roster", "consultant"], name="duty_slot_once_per_roster"
            )
        ]

    def __str__(self):
        return f"{self.roster_id}#{self.position} {self.consultant_id}"


# --- Protection period and the public pool (公海) -------------------------------------------


class ProtectionRule(models.Model):
    """N days without recorded contact return a customer to the public pool, per project and
    grade (empty = any); the owner is warned `warn_days` before. The most specific rule wins."""

    project = models.ForeignKey(
        "crm.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Empty: every project"),
    )
    grade = models.ForeignKey(
        "archives.Grade",
        verbose_name=_("grade"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Empty: every grade"),
    )
    days = models.PositiveSmallIntegerField(_("protection days"))
    warn_days = models.PositiveSmallIntegerField(_("warn this many days before"), default=5)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("protection rule")
        verbose_name_plural = _("protection rules")
        ordering = ["project", "grade"]
        constraints = [
            models.UniqueConstraint(
                Coalesce("project", Value(0)),
                Coalesce("grade", Value(0)),
                name="protection_rule_once",
            ),
            models.CheckConstraint(
                condition=Q(days__gt=0) & Q(warn_days__lt=F("days")),
                name="protection_rule_warns_before",
            ),
        ]

    def __str__(self):
        return f"{self.project or '*'} / {self.grade or '*'}: {self.days}"


class PoolPolicy(models.Model):
    """The public pool's limits for a company: K claims a day, C private customers (库容), and
    M days before a previous owner may reclaim a customer they lost."""

    company = models.OneToOneField("crm.Company", on_delete=models.CASCADE, related_name="+")
    daily_claim_limit = models.PositiveSmallIntegerField(
        _("claims per consultant a day"), default=5
    )
    capacity = models.PositiveIntegerField(_("private customers per consultant"), default=200)
    reclaim_lock_days = models.PositiveSmallIntegerField(
        _("days before the previous owner may reclaim"), default=15
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public pool policy")
        verbose_name_plural = _("public pool policies")

    def __str__(self):
        return str(self.company)

    @classmethod
    def for_company(cls, company) -> PoolPolicy:
        return cls.objects.filter(company=company).first() or cls(company=company)


# --- Referrals (老带新) ---------------------------------------------------------------------


class RewardStatus(models.TextChoices):
    NONE = "none", _("No reward")
    PENDING = "pending", pgettext_lazy("referral reward", "Pending")
    APPROVED = "approved", _("Approved")
    PAID = "paid", pgettext_lazy("referral reward", "Paid")


class Referral(models.Model):
    """An old customer brought a new one (§1 连锁介绍). It counts — towards key people and a
    reward — only if the referee had not been registered before."""

    referrer = models.ForeignKey(
        Customer, verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="referrals"
    )
    referee = models.ForeignKey(
        Customer, verbose_name=_("new customer"), on_delete=models.PROTECT, related_name="referred"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    counts = models.BooleanField(_("counts"), default=True)
    not_counted_reason = models.CharField(_("why it does not count"), max_length=200, blank=True)
    consultant = models.ForeignKey(
        USER,
        verbose_name=_("referrer's consultant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reward_status = models.CharField(
        _("reward"), max_length=8, choices=RewardStatus.choices, default=RewardStatus.PENDING
    )
    reward_amount = models.DecimalField(
        _("reward (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    reward_note = models.CharField(_("reward note"), max_length=200, blank=True)
    approved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["referee"], condition=Q(counts=True), name="referral_counts_once"
            ),
            models.CheckConstraint(condition=~Q(referrer=F("referee")), name="referral_not_self"),
            models.CheckConstraint(
                condition=Q(reward_amount__isnull=True) | Q(reward_amount__gte=0),
                name="referral_reward_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.referrer_id} → {self.referee_id}"


class CooperationPair(models.Model):
    """交叉合作: two kinds of customer who could do business together (§1). Each side is an
    industry and/or occupation keywords (separated by commas or 、)."""

    industry_a = models.ForeignKey(
        "archives.Classification",
        verbose_name=_("industry A"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"dimension": "industry"},
    )
    keywords_a = models.CharField(_("occupations A"), max_length=200, blank=True)
    industry_b = models.ForeignKey(
        "archives.Classification",
        verbose_name=_("industry B"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"dimension": "industry"},
    )
    keywords_b = models.CharField(_("occupations B"), max_length=200, blank=True)
    reason = models.CharField(_("what they could do together"), max_length=200)

    class Meta:
        verbose_name = _("complementary industries")
        verbose_name_plural = _("complementary industries")
        ordering = ["pk"]

    def __str__(self):
        return self.reason

    @staticmethod
    def split(keywords: str) -> list[str]:
        for separator in "、，;；":
            keywords = keywords.replace(separator, ",")
        return [word.strip() for word in keywords.split(",") if word.strip()]


# --- Daily registration sheets (客户信息登记表) ---------------------------------------------


class Punctuality(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    NEXT_MORNING = "next_morning", _("Next morning (before 10:00)")
    LATE = "late", _("Late")
    MISSING = "missing", _("Missing")


DEADLINE_HOUR = 10  # §6 3.1.1: at the latest 10:00 the next morning


class DailySheet(models.Model):
    """A consultant's calls and walk-ins of one day, submitted before the end of the day and at
    the latest by 10:00 the next morning (§6 3.1.1); late and missing sheets count in 考核."""

    class Status(models.TextChoices):
        OPEN = "open", _("To submit")
        SUBMITTED = "submitted", _("Submitted")
        MISSING = "missing", _("Missing")

    consultant = models.ForeignKey(
        USER, verbose_name=_("consultant"), on_delete=models.PROTECT, related_name="daily_sheets"
    )
    day = models.DateField(_("day"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    punctuality = models.CharField(
        _("punctuality"), max_length=12, choices=Punctuality.choices, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    rows_at_submission = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    signed_off_by = models.ForeignKey(
        USER,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily registration sheet")
        verbose_name_plural = _("daily registration sheets")
        ordering = ["-day", "consultant"]
        constraints = [
            models.UniqueConstraint(fields=["consultant", "day"], name="daily_sheet_once")
        ]
        indexes = [models.Index(fields=["day", "status"], name="daily_sheet_day_idx")]

    def __str__(self):
        return f"{self.consultant_id} {self.day}"

    @property
    def deadline(self) -> dt.datetime:
        next_day = self.day + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(next_day, dt.time(DEADLINE_HOUR)))

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


def punctuality_of(day: dt.date, submitted_at: dt.datetime) -> str:
    local = timezone.localtime(submitted_at)
    if local.date() <= day:
        return Punctuality.ON_TIME
    if local < timezone.make_aware(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time(DEADLINE_HOUR))
    ):
        return Punctuality.NEXT_MORNING
    return Punctuality.LATE


# --- Staff departure (R-ARC-12) ------------------------------------------------------------


class Departure(models.Model):
    """A leaving employee's handover: everything they own or hold open passes to successors
    before the departure completes; then they lose all access (§4 六, §13 12)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("Handover in progress")
        COMPLETED = "completed", pgettext_lazy("handover", "Completed")
        CANCELLED = "cancelled", _("Cancelled")

    leaver = models.ForeignKey(
        USER,
        verbose_name=_("leaving employee"),
        on_delete=models.PROTECT,
        related_name="departures",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    last_day = models.DateField(_("last working day"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    started_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    closed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff departure")
        verbose_name_plural = _("staff departures")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["leaver"],
                condition=Q(status="in_progress"),
                name="departure_one_in_progress",
            )
        ]

    def __str__(self):
        return f"{self.leaver} {self.started_at:%Y-%m-%d}"

    @property
    def in_progress(self) -> bool:
        return self.status == self.Status.IN_PROGRESS


class HandoverRecord(models.Model):
    """One item of open work passed from the leaver to a successor."""

    departure = models.ForeignKey(Departure, on_delete=models.CASCADE, related_name="records")
    source = models.CharField(_("kind of work"), max_length=40)
    item_pk = models.PositiveBigIntegerField()
    label = models.CharField(pgettext_lazy("handover", "item"), max_length=200)
    successor = models.ForeignKey(
        USER, verbose_name=_("successor"), on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("handover record")
        verbose_name_plural = _("handover records")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.source}:{self.item_pk} → {self.successor_id}"


class ConsultantNotice(models.Model):
    """ "Your new consultant is …": sent by SMS, or a call the new consultant makes (important
    customers are called, §1; customers without a mobile too)."""

    class Method(models.TextChoices):
        SMS = "sms", _("Text message")
        CALL = "call", _("Phone call")

    class Status(models.TextChoices):
        SENT = "sent", _("Text message queued")
        TO_CALL = "to_call", _("To call")
        CALLED = "called", _("Called")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="consultant_notices"
    )
    previous = models.ForeignKey(
        USER, verbose_name=_("previous consultant"), on_delete=models.PROTECT, related_name="+"
    )
    successor = models.ForeignKey(
        USER,
        verbose_name=_("new consultant"),
        on_delete=models.PROTECT,
        related_name="consultant_notices",
    )
    method = models.CharField(_("how"), max_length=4, choices=Method.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    sms = models.ForeignKey(
        "crm.SmsMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("new-consultant notice")
        verbose_name_plural = _("new-consultant notices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["successor", "status"], name="consultant_notice_todo_idx")]

    def __str__(self):
        return f"{self.customer_id} → {self.successor_id} ({self.method})"
