"""Checking what people upload: photos by their content (magic bytes, not the name). The
customer's signature drawn on the technician's phone is checked by crm.signatures."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm import uploads

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic"}


def check_photo(upload):
    """Accept a JPEG, PNG, WebP or HEIC photo up to 10 MB; record the type found inside."""
    name = {"name": upload.name}
    return uploads.check_upload(
        upload,
        allowed=PHOTO_TYPES,
        max_bytes=MAX_PHOTO_BYTES,
        too_big=ValidationError(_("%(name)s is larger than 10 MB."), params=name, code="too_big"),
        wrong_type=ValidationError(
            _("%(name)s is not a photo: only JPG, PNG, WebP or HEIC (the content is checked)."),
            params=name,
            code="not_a_photo",
        ),
    )
