"""Working days on the official calendar, lunar festivals and lunar birthdays."""

import datetime as dt

import pytest

from crm import workcalendar
from crm.models import CalendarDay, CalendarYear

D = dt.date


@pytest.mark.django_db
def test_statutory_holidays_and_make_up_workdays_come_from_the_seed():
    assert not workcalendar.is_workday(D(2026, 10, 1))  # National Day, a Thursday
    assert workcalendar.is_workday(D(2026, 10, 10))  # Saturday make-up workday (调休)
    assert workcalendar.is_workday(D(2026, 2, 14))  # Saturday before Spring Festival
    assert not workcalendar.is_workday(D(2026, 11, 28))  # an ordinary Saturday
    assert workcalendar.is_workday(D(2026, 11, 27))  # an ordinary Friday


@pytest.mark.django_db
def test_add_workdays_skips_the_golden_week_and_counts_the_make_up_saturday():
    # Tuesday 29 Sep + 3 working days: 30 Sep, (1–7 Oct off), 8 Oct, 9 Oct
    assert workcalendar.add_workdays(D(2026, 9, 29), 3) == D(2026, 10, 9)
    # + 4: the Saturday 10 Oct is a make-up workday
    assert workcalendar.add_workdays(D(2026, 9, 29), 4) == D(2026, 10, 10)


@pytest.mark.django_db
def test_add_workdays_zero_moves_a_day_off_to_the_next_workday():
    assert workcalendar.add_workdays(D(2026, 10, 3), 0) == D(2026, 10, 8)
    assert workcalendar.add_workdays(D(2026, 11, 27), 0) == D(2026, 11, 27)


@pytest.mark.django_db
def test_a_year_without_arrangement_counts_weekends_only_and_is_reported():
    assert workcalendar.is_workday(D(2027, 10, 1))  # a Friday; no data for 2027 yet
    assert workcalendar.missing_years(D(2026, 11, 27)) == [2027]
    CalendarYear.objects.create(year=2027, source=CalendarYear.Source.ADMIN)
    CalendarDay.objects.create(date=D(2027, 10, 1), is_workday=False, name="国庆节")
    assert not workcalendar.is_workday(D(2027, 10, 1))
    assert workcalendar.missing_years(D(2026, 11, 27)) == []


@pytest.mark.django_db
def test_workdays_between_counts_after_start_up_to_end():
    assert workcalendar.workdays_between(D(2026, 9, 30), D(2026, 10, 9)) == 2


def test_lunar_festivals_for_a_year_past_the_holiday_package():
    found = {f.key: f.date for f in workcalendar.festivals(2030)}
    assert found["spring"] == D(2030, 2, 3)
    assert found["mid_autumn"] == D(2030, 9, 12)
    assert found["dragon_boat"] == D(2030, 6, 5)


def test_lunar_birthday_lands_on_this_years_solar_date():
    # 农历八月十五 in 2026 is 25 September
    assert workcalendar.next_lunar_birthday(8, 15, after=D(2026, 1, 1)) == D(2026, 9, 25)
    # after it has passed, next year's: 2027-09-15
    assert workcalendar.next_lunar_birthday(8, 15, after=D(2026, 9, 26)) == D(2027, 9, 15)


def test_lunar_birthday_on_the_thirtieth_of_a_short_month_uses_its_last_day():
    # 2026's 腊月 (12th month) has 29 days: 腊月三十 becomes 腊月廿九
    assert workcalendar.lunar_to_solar(2026, 12, 30) == workcalendar.lunar_to_solar(2026, 12, 29)


def test_leap_month_birthday_falls_back_to_the_ordinary_month_when_absent():
    # 2025 has a leap 6th month; 2026 has none
    assert workcalendar.lunar_to_solar(2025, 6, 10, leap=True) != workcalendar.lunar_to_solar(
        2025, 6, 10
    )
    assert workcalendar.lunar_to_solar(2026, 6, 10, leap=True) == workcalendar.lunar_to_solar(
        2026, 6, 10
    )


def test_lunar_label_reads_like_a_calendar():
    assert workcalendar.lunar_label(8, 15) == "农历八月十五"
    assert workcalendar.lunar_label(4, 8, leap=True) == "农历闰四月初八"
    assert workcalendar.lunar_label(12, 30) == "农历腊月三十"
