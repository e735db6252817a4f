"""Checking what people upload: photos by their content (magic bytes, not the name), and the
customer's signature drawn on the technician's phone, decoded and re-encoded as a clean PNG."""

from __future__ import annotations

import base64
import binascii
import io

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic"}
MAX_SIGNATURE_BYTES = 1024 * 1024
DATA_URL_PREFIX = "data:image/png;base64,"


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


def clean_signature(data_url: str) -> bytes:
    """A PNG data URL from the signature pad → PNG bytes, re-encoded so nothing but pixels is
    kept. An empty pad (nothing drawn) is refused."""
    if not data_url.startswith(DATA_URL_PREFIX):
        raise ValidationError(_("The signature could not be read; please sign again."))
    try:
        raw = base64.b64decode(data_url[len(DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(_("The signature could not be read; please sign again.")) from None
    if len(raw) > MAX_SIGNATURE_BYTES:
        raise ValidationError(_("The signature image is too large."))
    kind = filetype.guess(raw[:262])
    if kind is None or kind.mime != "image/png":
        raise ValidationError(_("The signature could not be read; please sign again."))
    try:
        image = Image.open(io.BytesIO(raw))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("The signature could not be read; please sign again.")) from None
    if image.width > 2000 or image.height > 1000:
        raise ValidationError(_("The signature image is too large."))
    image = image.convert("RGBA")
    if _ink(image) < 30:
        raise ValidationError(_("The signature is empty: ask the customer to sign."))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _ink(image: Image.Image) -> int:
    """How many pixels carry ink (visible and not white)."""
    alpha = image.getchannel("A").tobytes()
    grey = image.convert("L").tobytes()
    return sum(1 for a, g in zip(alpha, grey, strict=True) if a > 32 and g < 200)
