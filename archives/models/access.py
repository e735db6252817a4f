"""Who may open which archive beyond their own, and the register of every look (R-ACC-01…05).

- CustomerUserObjectPermission: the grant table, django-guardian's direct-foreign-key model
  (faster than the generic one, no orphans) with an expiry, the confidentiality level it
  covers and the access-request item it came from. crm.permissions is the only code that reads
  or writes it, and counts a grant only until `expires_at`.
- AccessRequest (档案使用申请, SQ-…): one requester, one approving department, one or more
  archives (AccessRequestItem), decided step by step (AccessDecision). Each item keeps the
  bookkeeping of its grant: when granted, until when, when and why it ended.
- AccessLog (登记手续): who looked at which archive, when, by what right.
- DestructionRequest (销毁记录, XH-…): an archive past its retention period, approved by the
  department head and the general manager, carried out by erasing the personal data; the
  record (number, date, reason, approvers) stays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import UserObjectPermissionBase

from archives.models.customers import Customer, Secrecy
from crm.models import NumberedForm
from crm.numbering import FormKind


class CustomerUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Customer, on_delete=models.CASCADE)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The highest confidentiality the grant covers: the archive itself must not be above it,
    # and attachments above it stay hidden (R-ACC-03).
    level = models.CharField(
        _("confidentiality"), max_length=12, choices=Secrecy.choices, default=Secrecy.PUBLIC
    )
    source = models.ForeignKey(
        "archives.AccessRequestItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grant_rows",
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("archive grant")
        verbose_name_plural = _("archive grants")


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    EXPORT = "export", _("Exported")
    PRINT = "print", _("Printed")
    DOWNLOAD = "download", _("Downloaded an attachment")
    REVEAL = "reveal", _("Revealed personal data")
    HISTORY = "history", _("Viewed the history")


class RevealKind(models.TextChoices):
    """What a 'reveal' shows in full (R-ACC-06); the register names it with the masked value."""

    ID_NUMBER = "id_number", _("ID number")
    PHONE = "phone", _("Phone")
    FAMILY_PHONE = "family_phone", _("Family member's phone")


class AccessLog(models.Model):
    """登记手续: who looked at which archive, when, and by what right."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="archive_accesses"
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="access_logs"
    )
    customer_number = models.CharField(_("archive number"), max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    basis = models.CharField(_("by right of"), max_length=40)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("archive access")
        verbose_name_plural = _("archive access log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "-at"], name="access_log_customer_idx"),
            models.Index(fields=["customer_number", "-at"], name="access_log_number_idx"),
            models.Index(fields=["user", "-at"], name="access_log_user_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.customer_number}"


# --- Access requests (档案使用申请, R-ACC-02) ---------------------------------------------------


class AccessScope(models.TextChoices):
    VIEW = "view", pgettext_lazy("archive access", "View")
    EXPORT = "export", _("View, export and print")


class Step(models.TextChoices):
    HEAD = "head", _("Department head")
    GENERAL_MANAGER = "gm", _("General manager")


class RequestStatus(models.TextChoices):
    PENDING_HEAD = "pending_head", _("Waiting for the department head")
    PENDING_GM = "pending_gm", _("Waiting for the general manager")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ENDED = "ended", _("Ended")

    @classmethod
    def pending(cls) -> list[str]:
        return [cls.PENDING_HEAD, cls.PENDING_GM]


class AccessRequest(NumberedForm):
    """档案使用申请 (§6 3.2.7): reason, scope and period; decided by the department head of the
    archives' owners, and for 机密 / 绝密 also by the general manager. `filled_by` is the
    requester; `signed_off_by` the person whose approval granted it."""

    NUMBER_KIND = FormKind.ACCESS_REQUEST

    department = models.ForeignKey(
        "crm.Department",
        verbose_name=_("approving department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    scope = models.CharField(
        _("scope"), max_length=10, choices=AccessScope.choices, default=AccessScope.VIEW
    )
    days = models.PositiveSmallIntegerField(_("period (days)"))
    level = models.CharField(
        _("confidentiality covered"),
        max_length=12,
        choices=Secrecy.choices,
        default=Secrecy.PUBLIC,
        help_text=_("The highest level among the archives and the attachments asked for."),
    )
    needs_general_manager = models.BooleanField(_("needs the general manager"), default=False)
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=RequestStatus.choices,
        default=RequestStatus.PENDING_HEAD,
        db_index=True,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("archive access request")
        verbose_name_plural = _("archive access requests")
        ordering = ["-filled_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1), name="access_request_days_positive"),
            models.CheckConstraint(
                condition=~Q(status="pending_gm") | Q(needs_general_manager=True),
                name="access_request_gm_step_only_when_needed",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def requester(self):
        return self.filled_by

    @property
    def is_pending(self) -> bool:
        return self.status in RequestStatus.pending()

    @property
    def steps(self) -> list[str]:
        return [Step.HEAD, Step.GENERAL_MANAGER] if self.needs_general_manager else [Step.HEAD]

    @property
    def includes_export(self) -> bool:
        return self.scope == AccessScope.EXPORT


class ItemStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    GRANTED = "granted", _("Granted")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Replaced by a later grant")
    NOT_GRANTED = "not_granted", _("Not granted")


class AccessRequestItem(models.Model):
    """One archive of a request, and the life of its grant."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="items")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    customer_number = models.CharField(_("archive number"), max_length=20)
    secrecy = models.CharField(_("archive confidentiality"), max_length=12, choices=Secrecy.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.REQUESTED
    )
    granted_at = models.DateTimeField(_("granted at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, db_index=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    end_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("requested archive")
        verbose_name_plural = _("requested archives")
        ordering = ["request", "customer_number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "customer"], name="access_item_once"),
            models.CheckConstraint(
                condition=~Q(status="granted") | Q(expires_at__isnull=False),
                name="access_item_granted_has_expiry",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="access_item_due_idx")]

    def __str__(self):
        return f"{self.request_id} {self.customer_number}"


class Decision(models.Model):
    step = models.CharField(_("step"), max_length=4, choices=Step.choices)
    approved = models.BooleanField(_("approved"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("decided at"), default=timezone.now)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    @property
    def verdict(self) -> str:
        return str(_("Approved") if self.approved else _("Refused"))


class AccessDecision(Decision):
    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="decisions")

    class Meta(Decision.Meta):
        verbose_name = _("access decision")
        verbose_name_plural = _("access decisions")
        constraints = [
            models.UniqueConstraint(fields=["request", "step"], name="access_decision_once")
        ]

    def __str__(self):
        return f"{self.request_id} {self.step} {self.verdict}"


# --- Retention and destruction (R-ACC-05) -----------------------------------------------------


class DestructionStatus(models.TextChoices):
    PENDING_HEAD = "pending_head", _("Waiting for the department head")
    PENDING_GM = "pending_gm", _("Waiting for the general manager")
    APPROVED = "approved", _("Approved, to be carried out")
    REFUSED = "refused", _("Refused")
    DESTROYED = "destroyed", _("Destroyed")


class DestructionRequest(NumberedForm):
    """销毁记录 (§6 3.2.8). The archive row stays (other records point at it) but its personal
    data, history and files are erased; this record keeps number, dates, reason, approvers."""

    NUMBER_KIND = FormKind.DESTRUCTION

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="destruction_requests"
    )
    customer_number = models.CharField(_("archive number"), max_length=20)
    department = models.ForeignKey(
        "crm.Department",
        verbose_name=_("approving department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_on = models.DateField(_("closed on"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=DestructionStatus.choices,
        default=DestructionStatus.PENDING_HEAD,
        db_index=True,
    )
    carried_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("carried out by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    erased = models.JSONField(_("erased"), default=dict, blank=True)

    class Meta:
        verbose_name = _("archive destruction record")
        verbose_name_plural = _("archive destruction records")
        ordering = ["-filled_at", "-pk"]
        constraints = [
            # One open or completed destruction per archive; a refused one may be asked again.
            models.UniqueConstraint(
                fields=["customer"],
                condition=~Q(status="refused"),
                name="destruction_once_per_archive",
            ),
            models.CheckConstraint(
                condition=~Q(status="destroyed")
                | Q(carried_out_at__isnull=False, carried_out_by__isnull=False),
                name="destruction_carried_out_by_someone",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_pending(self) -> bool:
        return self.status in (DestructionStatus.PENDING_HEAD, DestructionStatus.PENDING_GM)


class DestructionDecision(Decision):
    request = models.ForeignKey(
        DestructionRequest, on_delete=models.CASCADE, related_name="decisions"
    )

    class Meta(Decision.Meta):
        verbose_name = _("destruction decision")
        verbose_name_plural = _("destruction decisions")
        constraints = [
            models.UniqueConstraint(fields=["request", "step"], name="destruction_decision_once")
        ]

    def __str__(self):
        return f"{self.request_id} {self.step} {self.verdict}"
