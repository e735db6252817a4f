"""The customer's signature drawn on a screen (static/js/signature.js), checked on the server.

The pad sends a PNG data URL in a hidden field. `clean_signature` decodes it, checks that it is
a real PNG (by its bytes, not its prefix) of sane size with some ink on it, and re-encodes it
with Pillow so nothing but the pixels is kept (no text chunks, no trailing bytes).
"""

from __future__ import annotations

import base64
import binascii
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageChops, UnidentifiedImageError

DATA_URL_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# The pad is at most ~800 CSS px wide on a screen of up to 3 device pixels per CSS pixel; the
# script caps the canvas at MAX_SIDE, so a bigger image did not come from it.
MAX_BYTES = 1024 * 1024
MAX_SIDE = 2400
# A tap leaves a dot of a few dozen pixels; fewer than this is a slip, not a signature.
MIN_INK_PIXELS = 30


def _unreadable() -> ValidationError:
    return ValidationError(
        _("The signature could not be read; please sign again."), code="signature_unreadable"
    )


def _too_large() -> ValidationError:
    return ValidationError(
        _("The signature image is too large; please clear the box and sign again."),
        code="signature_too_large",
    )


def clean_signature(data_url: str) -> bytes:
    """A PNG data URL from the signature pad → PNG bytes holding only the drawing.

    Raises ValidationError (in the user's language) when the data is not a PNG, is too large,
    or nothing was drawn."""
    if not data_url.startswith(DATA_URL_PREFIX):
        raise _unreadable()
    encoded = data_url[len(DATA_URL_PREFIX) :]
    if len(encoded) > MAX_BYTES * 4 // 3 + 4:
        raise _too_large()
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _unreadable() from None
    if len(raw) > MAX_BYTES:
        raise _too_large()
    if not raw.startswith(PNG_MAGIC):
        raise _unreadable()
    try:
        with Image.open(io.BytesIO(raw), formats=["PNG"]) as probe:
            if max(probe.size) > MAX_SIDE:
                raise _too_large()
            probe.verify()
        with Image.open(io.BytesIO(raw), formats=["PNG"]) as image:
            image = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _unreadable() from None
    if ink_pixels(image) < MIN_INK_PIXELS:
        raise ValidationError(
            _("The signature box is empty: ask the customer to sign in it."),
            code="signature_blank",
        )
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def ink_pixels(image: Image.Image) -> int:
    """How many pixels carry ink: visible (not transparent) and darker than near-white, so a pad
    filled with white counts as blank too."""
    visible = image.getchannel("A").point(lambda a: 255 if a > 32 else 0)
    dark = image.convert("L").point(lambda g: 255 if g < 200 else 0)
    return ImageChops.multiply(visible, dark).histogram()[255]
