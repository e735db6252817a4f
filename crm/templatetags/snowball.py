"""Template filters used across apps: phones, money, clocks (loaded as a builtin)."""

from decimal import Decimal

from django import template

from crm.phones import mask_phone, national

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """+8613812345678 → 13812345678."""
    return national(value or "")


@register.filter
def masked_phone(value: str) -> str:
    """+8613812345678 → 138****5678."""
    return mask_phone(value or "")


@register.filter
def money(value) -> str:
    """Decimal yuan with two places and thousands separators: ¥12,345.60."""
    if value in (None, ""):
        return ""
    return f"¥{Decimal(value):,.2f}"


@register.filter
def percent(value, total) -> int:
    try:
        return round(100 * value / total) if total else 0
    except (TypeError, ZeroDivisionError):
        return 0
