"""Readings and the sanity checks that hold bad ones (R-BIL-01, R-BIL-02)."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from billing import services
from billing.forms import ReadingForm
from billing.models import (
    BillingPolicy,
    HoldReason,
    Meter,
    Reading,
    ReadingKind,
    ReadingStatus,
    Statement,
)


def read(account, by, on, value):
    return services.record_reading(account=account, by=by, read_on=on, value=D(value))


def set_policy(**fields):
    policy = BillingPolicy.current()
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.save()


def codes(reading):
    return [item["code"] for item in reading.hold_reasons]


@pytest.mark.django_db
def test_a_plausible_reading_is_accepted(account, reader):
    """R-BIL-02: a reading above the last one, a month later, bills."""
    reading = read(account, reader, dt.date(2025, 2, 5), "31.50")
    assert reading.status == ReadingStatus.ACCEPTED
    assert reading.hold_reasons == []
    assert reading.meter == account.meters.get()


@pytest.mark.django_db
def test_a_reading_lower_than_the_previous_one_is_held_with_the_reason_in_chinese(account, reader):
    """R-BIL-02: lower than the previous reading, without a meter change → held, reason in 中文."""
    read(account, reader, dt.date(2025, 2, 5), "150")
    low = read(account, reader, dt.date(2025, 3, 5), "120")
    assert low.status == ReadingStatus.HELD
    assert codes(low) == [HoldReason.LOWER]
    with translation.override("zh-hans"):
        assert "低于上次读数" in low.hold_messages()[0]
        assert "150.00" in low.hold_messages()[0]
    with translation.override("en"):
        assert low.hold_messages()[0].startswith("Reading 120.00 m³ is lower than")


@pytest.mark.django_db
def test_after_a_meter_change_a_low_figure_on_the_new_meter_is_not_lower(account, reader):
    """R-BIL-01, R-BIL-02: the new meter starts from its first reading; no false hold."""
    read(account, reader, dt.date(2025, 2, 5), "1523")
    services.replace_meter(
        account=account,
        by=reader,
        changed_on=dt.date(2025, 2, 20),
        final_value=D("1530"),
        number="JX-NEW-01",
        model="G2.5 物联网表",
        seal_number="QF99001",
        next_verification_on=dt.date(2031, 2, 20),
        initial_value=D("0"),
        reason="表计故障更换",
    )
    reading = read(account, reader, dt.date(2025, 3, 5), "12")
    assert reading.status == ReadingStatus.ACCEPTED
    assert reading.meter.number == "JX-NEW-01"


@pytest.mark.django_db
def test_meter_replacement_keeps_the_old_meters_last_and_the_new_meters_first_reading(
    account, reader
):
    """R-BIL-01: one transaction: old meter removed with its last reading; new one starts."""
    old = account.meters.get()
    new = services.replace_meter(
        account=account,
        by=reader,
        changed_on=dt.date(2025, 2, 20),
        final_value=D("40.25"),
        number="JX-NEW-02",
        model="G4",
        seal_number="QF99002",
        next_verification_on=dt.date(2031, 2, 20),
        initial_value=D("3.00"),
        reason="到期轮换",
    )
    old.refresh_from_db()
    assert old.removed_on == dt.date(2025, 2, 20)
    assert old.removal_reason == "到期轮换"
    final = Reading.objects.get(meter=old, kind=ReadingKind.FINAL)
    first = Reading.objects.get(meter=new, kind=ReadingKind.INITIAL)
    assert (final.value, first.value) == (D("40.25"), D("3.00"))
    assert account.meters.filter(removed_on__isnull=True).get() == new


@pytest.mark.django_db
def test_a_failed_meter_replacement_changes_nothing(account, reader):
    """R-BIL-01: the last reading of the old meter may not be below its previous reading."""
    read(account, reader, dt.date(2025, 2, 5), "100")
    with pytest.raises(ValidationError) as caught:
        services.replace_meter(
            account=account,
            by=reader,
            changed_on=dt.date(2025, 2, 20),
            final_value=D("90"),
            number="JX-NEW-03",
            model="G4",
            seal_number="QF99003",
            next_verification_on=dt.date(2031, 2, 20),
            reason="更换",
        )
    assert "final_value" in caught.value.error_dict
    assert account.meters.count() == 1
    assert not Meter.objects.filter(number="JX-NEW-03").exists()
    assert not Reading.objects.filter(kind=ReadingKind.FINAL).exists()


def _history(account, reader, finance, months=3, per_month="30"):
    """Readings and statements of ~1 m³ a day, the basis of the account's average."""
    value = D("0")
    day = dt.date(2025, 1, 5)
    for _ in range(months):
        day = day + dt.timedelta(days=30)
        value += D(per_month)
        reading = read(account, reader, day, value)
        services.issue_statement(reading=reading, by=finance, issued_on=day)
    return day, value


@pytest.mark.django_db
def test_a_jump_beyond_the_configured_multiple_of_the_average_is_held(account, reader, finance):
    """R-BIL-02: average 1 m³/day; 4.5 m³/day is beyond 3× → held as a jump."""
    day, value = _history(account, reader, finance)
    jump = read(account, reader, day + dt.timedelta(days=30), value + D("135"))
    assert codes(jump) == [HoldReason.JUMP]
    with translation.override("zh-hans"):
        assert "倍" in jump.hold_messages()[0]


@pytest.mark.django_db
def test_the_jump_multiple_is_configurable(account, reader, finance):
    """R-BIL-02: the same 4.5× passes when the policy allows 5×."""
    set_policy(jump_multiple=D("5.00"))
    day, value = _history(account, reader, finance)
    reading = read(account, reader, day + dt.timedelta(days=30), value + D("135"))
    assert reading.status == ReadingStatus.ACCEPTED


@pytest.mark.django_db
def test_no_jump_check_without_enough_history(account, reader):
    """A new account has no average: a big first month is not held as a jump."""
    reading = read(account, reader, dt.date(2025, 2, 5), "400")
    assert reading.status == ReadingStatus.ACCEPTED


@pytest.mark.django_db
def test_a_meter_without_any_earlier_reading_holds_the_reading(account, reader, finance):
    """R-BIL-02: a missing previous reading (a meter entered without its first reading)."""
    Meter.objects.filter(account=account).update(removed_on=dt.date(2025, 1, 6))
    Meter.objects.create(
        account=account,
        number="JX-BARE",
        model="G2.5",
        installed_on=dt.date(2025, 1, 6),
        seal_number="QF1",
        next_verification_on=dt.date(2031, 1, 6),
    )
    reading = read(account, reader, dt.date(2025, 2, 5), "30")
    assert codes(reading) == [HoldReason.NO_PREVIOUS]
    with translation.override("zh-hans"):
        assert "JX-BARE" in reading.hold_messages()[0]
        assert "没有" in reading.hold_messages()[0]


@pytest.mark.django_db
def test_a_long_gap_since_the_previous_reading_is_held(account, reader):
    """R-BIL-02: 70 days or more since the last reading (configurable) → held."""
    reading = read(account, reader, dt.date(2025, 3, 16), "60")  # 70 days after 5 January
    assert codes(reading) == [HoldReason.LONG_GAP]
    with translation.override("zh-hans"):
        assert "70" in reading.hold_messages()[0]
    set_policy(long_gap_days=90)
    reading = read(account, reader, dt.date(2025, 3, 20), "62")
    assert reading.status == ReadingStatus.ACCEPTED


@pytest.mark.django_db
def test_several_checks_can_hold_one_reading_together(account, reader):
    read(account, reader, dt.date(2025, 2, 5), "150")
    reading = read(account, reader, dt.date(2025, 5, 5), "100")
    assert set(codes(reading)) == {HoldReason.LOWER, HoldReason.LONG_GAP}


@pytest.mark.django_db
def test_a_held_reading_does_not_bill_until_finance_confirms_it(account, reader, finance):
    """R-BIL-02: held readings stop billing; confirmed, they bill."""
    held = read(account, reader, dt.date(2025, 3, 20), "75")
    result = services.run_billing(by=finance, issued_on=dt.date(2025, 3, 21))
    assert result.issued == 0
    services.review_reading(
        reading=held, by=finance, accept=True, note="客户春节回老家，已电话核实"
    )
    held.refresh_from_db()
    assert held.status == ReadingStatus.ACCEPTED
    assert held.reviewed_by == finance
    assert services.run_billing(by=finance, issued_on=dt.date(2025, 3, 21)).issued == 1
    assert Statement.objects.get().volume == D("75.00")


@pytest.mark.django_db
def test_a_lower_reading_cannot_be_confirmed(account, reader, finance):
    """A negative volume never bills: record the meter change and read again instead."""
    read(account, reader, dt.date(2025, 2, 5), "150")
    low = read(account, reader, dt.date(2025, 3, 5), "120")
    with pytest.raises(ValidationError):
        services.review_reading(reading=low, by=finance, accept=True, note="看错了")
    services.review_reading(reading=low, by=finance, accept=False, note="请重新抄表")
    low.refresh_from_db()
    assert low.status == ReadingStatus.REJECTED
    assert reader.notifications.filter(title__contains=account.number).exists()


@pytest.mark.django_db
def test_reading_again_replaces_the_held_reading(account, reader):
    read(account, reader, dt.date(2025, 2, 5), "150")
    low = read(account, reader, dt.date(2025, 3, 5), "120")
    again = read(account, reader, dt.date(2025, 3, 6), "182")
    low.refresh_from_db()
    assert low.status == ReadingStatus.REJECTED
    assert again.status == ReadingStatus.ACCEPTED


@pytest.mark.django_db
def test_dates_in_the_future_or_before_the_previous_reading_are_refused(account, reader):
    with pytest.raises(ValidationError) as caught:
        read(account, reader, dt.date(2099, 1, 1), "10")
    assert "read_on" in caught.value.error_dict
    read(account, reader, dt.date(2025, 2, 5), "10")
    with pytest.raises(ValidationError) as caught:
        read(account, reader, dt.date(2025, 2, 5), "11")
    assert "read_on" in caught.value.error_dict
    assert Reading.objects.filter(kind=ReadingKind.REGULAR).count() == 1


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_photo_is_checked_by_its_content_not_its_name():
    """A text file named .jpg is refused; a real PNG is accepted."""
    fake = SimpleUploadedFile("meter.jpg", b"not a picture at all", content_type="image/jpeg")
    form = ReadingForm({"read_on": "2025-02-05", "value": "10"}, {"photo": fake})
    assert not form.is_valid()
    assert "photo" in form.errors
    real = SimpleUploadedFile("meter.txt", _png(), content_type="text/plain")
    form = ReadingForm({"read_on": "2025-02-05", "value": "10"}, {"photo": real})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["photo"].detected_type == "image/png"


@pytest.mark.django_db
def test_the_photo_is_stored_privately_under_a_generated_name(account, reader, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": "/nowhere/"},
        },
    }
    form = ReadingForm(
        {"read_on": "2025-02-05", "value": "10"},
        {"photo": SimpleUploadedFile("王丽华家.png", _png(), content_type="image/png")},
    )
    assert form.is_valid()
    reading = services.record_reading(account=account, by=reader, **form.cleaned_data)
    assert reading.photo.name.startswith("billing/readings/")
    assert "王丽华" not in reading.photo.name
    assert reading.photo_type == "image/png"
