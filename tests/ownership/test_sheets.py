"""Daily registration sheets (客户信息登记表, R-ARC-10, §6 3.1.1): the day's calls and walk-ins,
submitted by the end of the day, at the latest 10:00 the next morning; late and missing ones
show to managers and in the monthly table."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from archives.models import Channel, DailySheet, Punctuality
from archives.ownership import rotation, services, sheets
from crm.models import Notification

pytestmark = pytest.mark.django_db

SHANGHAI = timezone.get_fixed_timezone(8 * 60)
DAY = dt.date(2026, 3, 10)


def at(day_offset, hour, minute=0):
    moment = dt.datetime.combine(DAY + dt.timedelta(days=day_offset), dt.time(hour, minute))
    return time_machine.travel(moment.replace(tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def day_roster(project, manager, owner, colleague):
    return rotation.create_roster(
        project=project, day=DAY, by=manager, consultants=[owner, colleague]
    )


def register(by, project, mobile, channel=Channel.WALK_IN, **kwargs):
    return services.register_at_desk(
        by=by, mobile=mobile, name="客户" + mobile[-2:], channel=channel, project=project, **kwargs
    )


def test_a_consultants_calls_and_walk_ins_of_the_day_form_their_sheet(
    receptionist, project, day_roster, owner, colleague
):
    """R-ARC-10: the sheet holds the consultant's calls and walk-ins of that day."""
    with at(0, 10):
        register(receptionist, project, "13800007001")  # walk-in → 张伟 on duty
        register(owner, project, "13800007002", channel=Channel.CALL)  # 张伟's own call
        register(receptionist, project, "13800007003")  # walk-in → 李娜
    sheet = DailySheet.objects.get(consultant=owner, day=DAY)
    rows = list(sheets.rows_of(sheet))
    assert [r.channel for r in rows] == [Channel.WALK_IN, Channel.CALL]
    assert rows[0].phone == "+8613800007001"


@pytest.mark.parametrize(
    ("offset", "hour", "expected"),
    [
        (0, 18, Punctuality.ON_TIME),
        (0, 23, Punctuality.ON_TIME),
        (1, 9, Punctuality.NEXT_MORNING),
        (1, 10, Punctuality.LATE),
    ],
)
def test_punctuality_follows_the_end_of_day_and_the_10_oclock_deadline(
    owner, offset, hour, expected
):
    """R-ARC-10: by the end of the day on time; until 10:00 next morning allowed; later late."""
    sheet = sheets.ensure_sheet(owner, DAY)
    with at(offset, hour):
        sheets.submit_sheet(sheet=sheet, by=owner, note="外出带看")
    sheet.refresh_from_db()
    assert sheet.punctuality == expected


def test_a_late_sheet_needs_a_reason_and_only_its_consultant_submits(owner, colleague):
    sheet = sheets.ensure_sheet(owner, DAY)
    with at(2, 9):
        with pytest.raises(PermissionDenied):
            sheets.submit_sheet(sheet=sheet, by=colleague)
        with pytest.raises(ValidationError) as caught:
            sheets.submit_sheet(sheet=sheet, by=owner)
        assert "note" in caught.value.message_dict
    sheet.refresh_from_db()
    assert sheet.submitted_at is None


def test_sheets_not_in_by_10_are_missing_and_managers_are_told(
    receptionist, project, day_roster, owner, colleague, manager
):
    """R-ARC-10: missing sheets appear after 10:00 the next morning — for everyone on duty,
    also a nil return — and the consultant and the manager are told once."""
    with at(0, 18):
        sheets.submit_sheet(sheet=sheets.ensure_sheet(owner, DAY), by=owner)
    with at(1, 9, 59):
        assert sheets.mark_missing() == 0
    with at(1, 10, 5):
        assert sheets.mark_missing() == 1
        assert sheets.mark_missing() == 0
    missing = DailySheet.objects.get(consultant=colleague, day=DAY)
    assert (missing.status, missing.punctuality) == ("missing", Punctuality.MISSING)
    assert Notification.objects.filter(recipient=colleague).count() == 1
    assert Notification.objects.filter(recipient=manager).count() == 1
    with at(1, 15):
        sheets.submit_sheet(sheet=missing, by=colleague, note="忘记提交")
    missing.refresh_from_db()
    assert (missing.status, missing.punctuality) == ("submitted", Punctuality.LATE)


def test_the_monthly_table_counts_each_consultants_sheets(owner, colleague):
    """R-ARC-10: the monthly table per consultant, the basis of 考核."""
    # the 10th on the day, the 11th the next morning, the 12th after 10:00 the next day
    for offset, submitted in ((0, (0, 18)), (1, (2, 9)), (2, (3, 11))):
        sheet = sheets.ensure_sheet(owner, DAY + dt.timedelta(days=offset))
        with at(*submitted):
            sheets.submit_sheet(sheet=sheet, by=owner, note="补交")
    sheets.ensure_sheet(colleague, DAY)
    with at(1, 11):
        sheets.mark_missing()
    rows = sheets.month_table(
        year=2026, month=3, sheets=DailySheet.objects.all(), consultants=[owner, colleague]
    )
    counts = {row.consultant: row.counts for row in rows}
    assert counts[owner][Punctuality.ON_TIME] == 1
    assert counts[owner][Punctuality.NEXT_MORNING] == 1
    assert counts[owner][Punctuality.LATE] == 1
    assert counts[colleague][Punctuality.MISSING] == 1
    assert len(rows[0].cells) == 31


def test_the_archive_keeper_receives_a_submitted_sheet(owner, make_user):
    from crm.roles import Role

    keeper = make_user(Role.ARCHIVE_KEEPER)
    sheet = sheets.ensure_sheet(owner, DAY)
    with pytest.raises(ValidationError):
        sheets.sign_off(sheet=sheet, by=keeper)
    with at(0, 18):
        sheets.submit_sheet(sheet=sheet, by=owner)
    with pytest.raises(PermissionDenied):
        sheets.sign_off(sheet=sheet, by=owner)
    sheets.sign_off(sheet=sheet, by=keeper)
    sheet.refresh_from_db()
    assert sheet.signed_off_by == keeper
