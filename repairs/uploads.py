"""Checking what people upload: photos by their content (magic bytes, not the name). The
customer's signature drawn on the technician's phone is checked by crm.signatures."""

from __future__ import annotations

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic"}


def check_photo(upload):
    """Accept a JPEG, PNG, WebP or HEIC photo up to 10 MB; record the type found inside."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 10 MB."), params={"name": upload.name}, code="too_big"
        )
    head = upload.read(262)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in PHOTO_TYPES:
        raise ValidationError(
            _("%(name)s is not a photo: only JPG, PNG, WebP or HEIC (the content is checked)."),
            params={"name": upload.name},
            code="not_a_photo",
        )
    upload.detected_type = kind.mime
    return upload
