"""Who may open which archive beyond their own, and the register of every look (R-ACC-04).

The grant table is django-guardian's direct-foreign-key model (faster than the generic one and
leaves no orphans) with an expiry of our own; crm.permissions is the only code that reads or
writes it, and counts a grant only until `expires_at`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from archives.models.customers import Customer


class CustomerUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Customer, on_delete=models.CASCADE)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

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
        indexes = [models.Index(fields=["customer", "-at"], name="access_log_customer_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.customer_number}"
