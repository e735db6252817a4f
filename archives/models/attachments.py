"""Qualification copies kept with an archive (资质复印件, R-ARC-06).

Files are stored under generated names in private storage (never under a served path) and
leave only through a view that asks crm.permissions and sends them as downloads.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from archives.models.customers import Customer, Secrecy


class AttachmentKind(models.TextChoices):
    ID_CARD = "id_card", _("ID card copy")
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    ORGANISATION_CODE = "organisation_code", _("Organisation code certificate")
    TAX_REGISTRATION = "tax_registration", _("Tax registration certificate")
    OTHER = "other", _("Other")


def attachment_path(instance, filename: str) -> str:
    # The customer's name or the original file name never reaches the disk.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    secrecy = models.CharField(
        _("confidentiality"), max_length=12, choices=Secrecy.choices, default=Secrecy.SECRET
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(_("reason for removal"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.original_name}"
