"""Checks of Chinese identifiers, with the reason in words a receptionist understands."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def clean_id_number(value: str) -> str:
    """An 18-digit resident ID number (居民身份证号码) with a valid birth date and check digit."""
    number = (value or "").strip().upper().replace(" ", "")
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits and a final digit or X."),
            code="id_format",
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The date of birth in this ID number (digits 7–14) does not exist."),
            code="id_birth",
        ) from None
    if birth > dt.date.today() or birth.year < 1900:
        raise ValidationError(
            _("The date of birth in this ID number (digits 7–14) is not plausible."),
            code="id_birth",
        )
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17]:
        raise ValidationError(
            _("The last character of this ID number does not match; please check each digit."),
            code="id_check",
        )
    return number


def id_number_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def clean_credit_code(value: str) -> str:
    """An 18-character unified social credit code (统一社会信用代码) with its check character."""
    code = (value or "").strip().upper().replace(" ", "")
    if len(code) != 18 or any(char not in _USCC_CHARS for char in code):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters: digits and capital letters "
                "except I, O, S, V and Z."
            ),
            code="uscc_format",
        )
    total = sum(
        _USCC_CHARS.index(char) * weight
        for char, weight in zip(code[:17], _USCC_WEIGHTS, strict=True)
    )
    expected = _USCC_CHARS[(31 - total % 31) % 31]
    if code[17] != expected:
        raise ValidationError(
            _("The last character of this credit code does not match; please check it."),
            code="uscc_check",
        )
    return code


def credit_code_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def clean_postcode(value: str) -> str:
    code = (value or "").strip()
    if not re.fullmatch(r"[1-9]\d{5}", code):
        raise ValidationError(_("A postcode has six digits, e.g. 710065."), code="postcode")
    return code
