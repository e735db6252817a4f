"""Reports (R-BIL-03, R-BIL-06): collection rate per user type, ageing, the reading report."""

import datetime as dt
from decimal import Decimal as D

import pytest

from billing import reports, services
from billing.models import Statement, UserType

SEPT = dt.date(2026, 8, 24)
JUNE = dt.date(2026, 6, 1)
OCT = dt.date(2026, 10, 20)


def bill(account, by, on, value):
    reading = services.record_reading(account=account, by=by, read_on=on, value=D(value))
    return services.issue_statement(reading=reading, by=by, issued_on=on)


def pay(statement, by, amount, on):
    services.record_payment(
        statement=statement, by=by, amount=D(amount), method="cash", received_on=on
    )


@pytest.mark.django_db
def test_collection_rate_counts_what_is_paid_within_three_working_days(
    make_account, tariffs, reader, cashier
):
    """R-BIL-06: statements of September 2026; the 3-day window skips the Mid-Autumn
    holiday (25–27 Sep): issued Thu 24 Sep, three working days end Wed 30 Sep."""
    paid_in_time = bill(
        make_account(name="甲", installed_on=SEPT), reader, dt.date(2026, 9, 24), "100"
    )  # 267.00
    paid_late = bill(
        make_account(name="乙", installed_on=SEPT), reader, dt.date(2026, 9, 24), "100"
    )  # 267.00
    part_paid = bill(
        make_account(name="丙", installed_on=SEPT), reader, dt.date(2026, 9, 24), "50"
    )  # 133.50
    shop = bill(
        make_account(name="老孙家", user_type=UserType.COMMERCIAL, installed_on=SEPT),
        reader,
        dt.date(2026, 9, 24),
        "100",
    )  # 365.00
    pay(paid_in_time, cashier, "267.00", dt.date(2026, 9, 30))
    pay(paid_late, cashier, "267.00", dt.date(2026, 10, 8))
    pay(part_paid, cashier, "33.50", dt.date(2026, 9, 28))
    pay(shop, cashier, "365.00", dt.date(2026, 9, 29))
    rows = {row.user_type: row for row in reports.collection(2026, 9, days=3)}
    residential = rows[UserType.RESIDENTIAL]
    assert (residential.statements, residential.due) == (3, D("667.50"))
    assert residential.in_days == D("300.50")
    assert residential.rate_days == D("45.0")  # 300.50 / 667.50
    assert residential.in_month == D("567.50")
    assert residential.rate_month == D("85.0")
    assert rows[UserType.COMMERCIAL].rate_days == D("100.0")
    assert rows[UserType.PUBLIC_WELFARE].rate_days is None
    total = rows["total"]
    assert (total.due, total.in_days) == (D("1032.50"), D("665.50"))
    assert total.rate_days == D("64.5")


@pytest.mark.django_db
def test_ageing_buckets_what_is_owed_by_days_past_due(make_account, tariffs, reader, cashier):
    """R-BIL-06: arrears by age; paid statements are not arrears."""
    old = bill(
        make_account(name="甲", installed_on=JUNE), reader, dt.date(2026, 7, 1), "10"
    )  # due 2026-07-08
    recent = bill(
        make_account(name="乙", installed_on=OCT), reader, dt.date(2026, 11, 10), "20"
    )  # due 11-17
    current = bill(
        make_account(name="丙", installed_on=OCT), reader, dt.date(2026, 11, 25), "30"
    )  # due 12-02
    paid = bill(make_account(name="丁", installed_on=JUNE), reader, dt.date(2026, 7, 1), "40")
    pay(paid, cashier, str(paid.total_due), dt.date(2026, 7, 2))
    pay(old, cashier, "6.70", dt.date(2026, 7, 5))
    rows = {row.user_type: row for row in reports.ageing(dt.date(2026, 11, 27))}
    residential = rows[UserType.RESIDENTIAL]
    assert residential.amounts["not_due"] == current.total_due == D("80.10")
    assert residential.amounts["1_30"] == recent.total_due == D("53.40")
    assert residential.amounts["over_90"] == D("20.00")  # 26.70 − 6.70
    assert residential.counts["31_60"] == 0
    assert rows["total"].total == D("153.50")


@pytest.mark.django_db
def test_the_reading_report_reconciles_accounts_readings_and_statements(
    make_account, tariffs, reader
):
    """R-BIL-03: due accounts, readings and statements agree; gaps are listed; 100 % accuracy."""
    read_and_billed = make_account(name="甲", installed_on=dt.date(2026, 9, 10))
    unread = make_account(name="乙", installed_on=dt.date(2026, 9, 10))
    accepted_only = make_account(name="丙", installed_on=dt.date(2026, 9, 10))
    not_yet_due = make_account(name="丁", installed_on=dt.date(2026, 10, 20))
    statement = bill(read_and_billed, reader, dt.date(2026, 10, 12), "30")
    services.record_reading(
        account=accepted_only, by=reader, read_on=dt.date(2026, 10, 12), value=D("12")
    )
    report = reports.reading_report(2026, 10)
    rows = {row.user_type: row for row in report.rows}
    residential = rows[UserType.RESIDENTIAL]
    assert residential.due == 3  # 丁 opened after the window: read from next month
    assert residential.read == 2 and residential.billed == 1
    assert residential.volume == D("30.00") and residential.amount == statement.gas_amount
    assert [a.pk for a in report.unread] == [unread.pk]
    assert report.unbilled[0].account == accepted_only
    assert report.accuracy == D("100.0")
    assert not_yet_due not in report.unread


@pytest.mark.django_db
def test_a_statement_that_no_longer_agrees_with_its_readings_is_reported(
    make_account, tariffs, reader
):
    """R-BIL-03: the accuracy check works figures out again; a tampered volume shows up."""
    account = make_account(installed_on=dt.date(2026, 9, 10))
    statement = bill(account, reader, dt.date(2026, 10, 12), "30")
    Statement.objects.filter(pk=statement.pk).update(volume=D("31.00"))  # simulate corruption
    report = reports.reading_report(2026, 10)
    assert report.mismatches == [(Statement.objects.get(pk=statement.pk), "volume")]
    assert report.accuracy == D("0.0")
