"""Template filters of the repairs app: SLA clocks and amounts written in Chinese capitals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def clock_state(clock, now=None) -> str:
    return clock.display_state(now or timezone.now())


@register.filter
def minutes_left(clock, now=None) -> int:
    return abs(clock.minutes_left(now or timezone.now()))


@register.filter
def minutes_between(start, end) -> int:
    """Whole minutes from `start` to `end` (0 when either is missing)."""
    if not start or not end:
        return 0
    return int(abs((end - start).total_seconds()) // 60)


DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ["", "拾", "佰", "仟"]
GROUPS = ["", "万", "亿", "万亿"]


def _group(number: int) -> str:
    """0–9999 in capitals, with 零 where a place inside is empty."""
    text, zero = "", False
    for place in range(3, -1, -1):
        digit = number // 10**place % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[digit] + UNITS[place]
    return text


@register.filter
def rmb_upper(amount) -> str:
    """¥1,205.50 → 壹仟贰佰零伍元伍角整 — how a Chinese form writes the amount to pay."""
    if amount in (None, ""):
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        return "负" + rmb_upper(-value)
    yuan = int(value)
    fen_total = int((value - yuan) * 100)
    jiao, fen = divmod(fen_total, 10)
    words = _yuan_words(yuan)
    if yuan == 0 and fen_total == 0:
        return "零元整"
    result = f"{words}元" if yuan else ""
    if jiao:
        result += DIGITS[jiao] + "角"
    elif fen and yuan:
        result += "零"
    if fen:
        result += DIGITS[fen] + "分"
    else:
        result += "整"
    return result


def _yuan_words(yuan: int) -> str:
    if yuan == 0:
        return ""
    groups = []
    while yuan:
        groups.append(yuan % 10000)
        yuan //= 10000
    text = ""
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            if text and not text.endswith("零"):
                text += "零"
            continue
        if text and group < 1000 and not text.endswith("零"):
            text += "零"
        text += _group(group) + GROUPS[index]
    return text.rstrip("零")
