"""Working days and Chinese festivals.

Working days follow the official arrangement: weekends, statutory holidays and make-up
workdays (调休). The arrangement is data (CalendarDay), seeded from the chinese-calendar
package for the years it knows and entered by an administrator for later years. A year with
no arrangement falls back to Monday–Friday; `missing_years` tells the dashboard to say so.

Traditional festivals and lunar birthdays come from lunar-python, which has no end year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lunar_python import Lunar, LunarMonth, LunarYear

from crm.models import CalendarDay, CalendarYear

# Widest span add_workdays loads in one query; a month holds at most ~10 days off in China.
_CHUNK_DAYS = 62


def _exceptions(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    rows = CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday")
    return dict(rows)


def _is_workday(day: dt.date, exceptions: dict[dt.date, bool]) -> bool:
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def is_workday(day: dt.date) -> bool:
    return _is_workday(day, _exceptions(day, day))


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (n ≥ 0; n = 0 gives the next working day if
    `start` is a day off, else `start`)."""
    if n < 0:
        raise ValueError("add_workdays counts forward only")
    day = start
    exceptions = _exceptions(day, day + dt.timedelta(days=_CHUNK_DAYS))
    loaded_to = day + dt.timedelta(days=_CHUNK_DAYS)
    remaining = n
    while remaining > 0 or not _is_workday(day, exceptions):
        day += dt.timedelta(days=1)
        if day > loaded_to:
            exceptions = _exceptions(day, day + dt.timedelta(days=_CHUNK_DAYS))
            loaded_to = day + dt.timedelta(days=_CHUNK_DAYS)
        if _is_workday(day, exceptions):
            remaining -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`."""
    if end <= start:
        return 0
    exceptions = _exceptions(start, end)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        count += _is_workday(day, exceptions)
    return count


def missing_years(today: dt.date | None = None) -> list[int]:
    """This year and next if no official arrangement is known for them."""
    today = today or timezone.localdate()
    wanted = {today.year, today.year + 1}
    known = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return sorted(wanted - known)


# --- Lunar calendar -------------------------------------------------------------------------


@dataclass(frozen=True)
class Festival:
    key: str
    name: str
    date: dt.date


LUNAR_FESTIVALS = {
    "spring": ((1, 1), _("Spring Festival")),
    "lantern": ((1, 15), _("Lantern Festival")),
    "dragon_boat": ((5, 5), _("Dragon Boat Festival")),
    "qixi": ((7, 7), _("Qixi Festival")),
    "mid_autumn": ((8, 15), _("Mid-Autumn Festival")),
    "double_ninth": ((9, 9), _("Double Ninth Festival")),
}

SOLAR_FESTIVALS = {
    "new_year": ((1, 1), _("New Year's Day")),
    "labour": ((5, 1), _("Labour Day")),
    "national": ((10, 1), _("National Day")),
}


def lunar_to_solar(lunar_year: int, month: int, day: int, *, leap: bool = False) -> dt.date:
    """The solar date of a lunar date. Day 30 in a short month becomes the month's last day,
    and a leap month that the year lacks becomes the ordinary month (as families celebrate)."""
    if leap and LunarYear.fromYear(lunar_year).getLeapMonth() != month:
        leap = False
    lunar_month = LunarMonth.fromYm(lunar_year, -month if leap else month)
    day = min(day, lunar_month.getDayCount())
    solar = Lunar.fromYmd(lunar_year, -month if leap else month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def festivals(year: int) -> list[Festival]:
    """The traditional festivals and public holidays that fall in solar `year`."""
    found = [
        Festival(key, str(name), lunar_to_solar(year, month, day))
        for key, ((month, day), name) in LUNAR_FESTIVALS.items()
    ]
    found += [
        Festival(key, str(name), dt.date(year, month, day))
        for key, ((month, day), name) in SOLAR_FESTIVALS.items()
    ]
    return sorted(found, key=lambda festival: festival.date)


def next_lunar_birthday(month: int, day: int, *, leap: bool = False, after: dt.date) -> dt.date:
    """The first solar date on or after `after` when a lunar birthday is celebrated."""
    lunar_year = Lunar.fromDate(dt.datetime(after.year, after.month, after.day)).getYear()
    for year in (lunar_year - 1, lunar_year, lunar_year + 1):
        candidate = lunar_to_solar(year, month, day, leap=leap)
        if candidate >= after:
            return candidate
    raise AssertionError("a lunar birthday falls within any two lunar years")


_LUNAR_MONTHS = "正二三四五六七八九十冬腊"
_LUNAR_DAYS = (
    [f"初{c}" for c in "一二三四五六七八九十"]
    + [f"十{c}" for c in "一二三四五六七八九"]
    + ["二十"]
    + [f"廿{c}" for c in "一二三四五六七八九"]
    + ["三十"]
)


def lunar_label(month: int, day: int, *, leap: bool = False) -> str:
    """农历八月十五 / 农历闰四月初八."""
    return f"农历{'闰' if leap else ''}{_LUNAR_MONTHS[month - 1]}月{_LUNAR_DAYS[day - 1]}"


def notify_missing_years(years: list[int], people) -> list:
    """Remind `people` weekly that these years fall back to weekends only."""
    from crm.models import Notification, NotificationLevel
    from crm.notifications import notify

    years_text = "、".join(str(year) for year in years)
    title = _("No official holiday arrangement entered for %(years)s")
    week_ago = timezone.now() - dt.timedelta(days=7)
    reminded = set(
        Notification.objects.filter(
            url="/admin/crm/calendaryear/", created_at__gte=week_ago
        ).values_list("recipient_id", flat=True)
    )
    return notify(
        [person for person in people if person.pk not in reminded],
        title,
        body=_(
            "Working days in %(years)s count weekends only until the State Council's "
            "arrangement is entered under Calendar years."
        ),
        params={"years": years_text},
        url="/admin/crm/calendaryear/",
        level=NotificationLevel.WARNING,
    )
