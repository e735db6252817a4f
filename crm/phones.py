"""Phone numbers: one stored form (E.164), one display form, one masked form.

Mainland mobiles and landlines are checked with phonenumbers; the error messages are for
people at a reception counter, so they say what is wrong in plain words.
"""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REGION = "CN"


def parse_phone(raw: str, *, mobile_only: bool = False) -> phonenumbers.PhoneNumber:
    text = "".join(ch for ch in (raw or "") if ch.isdigit() or ch == "+")
    if not text:
        raise ValidationError(_("Enter a phone number."), code="empty")
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number."), code="invalid", params={"value": raw}
        ) from exc
    if not phonenumbers.is_valid_number(number):
        if number.country_code == 86 and str(number.national_number).startswith("1"):
            message = _("“%(value)s” is not a valid mainland mobile number (11 digits, 1XX…).")
        else:
            message = _("“%(value)s” is not a valid phone number; landlines need the area code.")
        raise ValidationError(message, code="invalid", params={"value": raw})
    if mobile_only and not is_mobile(number):
        raise ValidationError(
            _("“%(value)s” is a landline; a mobile number is needed here."),
            code="not_mobile",
            params={"value": raw},
        )
    return number


def is_mobile(number: phonenumbers.PhoneNumber) -> bool:
    kind = phonenumbers.number_type(number)
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def normalize_phone(raw: str, *, mobile_only: bool = False) -> str:
    """The stored form: E.164, e.g. +8613812345678."""
    number = parse_phone(raw, mobile_only=mobile_only)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national(stored: str) -> str:
    """How a Chinese office writes it: 13812345678, 029-88886666."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, REGION)
    except phonenumbers.NumberParseException:
        return stored
    if number.country_code != 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if is_mobile(number):
        return str(number.national_number)
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return formatted.replace(" ", "")


def mask_phone(stored: str) -> str:
    """138****5678 — enough to recognise a number, not enough to call it (R-ACC-06)."""
    digits = national(stored)
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"
