"""Phone numbers: stored normalised, shown masked (R-ACC-06)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from crm.phones import mask_phone, national, normalize_phone


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("029-88886666", "+862988886666"),
    ],
)
def test_numbers_are_stored_in_one_form(raw, stored):
    assert normalize_phone(raw) == stored


def test_display_and_mask():
    """R-ACC-06: 138****5678 for roles that do not need the full number."""
    assert national("+8613812345678") == "13812345678"
    assert mask_phone("+8613812345678") == "138****5678"
    assert national("+862988886666") == "02988886666"


def test_bad_mobile_is_explained_in_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        normalize_phone("1381234567")
    assert "不是有效的大陆手机号" in caught.value.messages[0]


def test_landline_is_refused_where_a_mobile_is_needed():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        normalize_phone("029-88886666", mobile_only=True)
    assert "需要手机号" in caught.value.messages[0]
