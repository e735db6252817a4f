"""Statements, payments, credit and notes (R-BIL-02, R-BIL-04)."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from billing import services
from billing.forms import SignatureForm
from billing.models import (
    AdjustmentKind,
    GasAccount,
    ImmutableStatement,
    PaymentMethod,
    ReadingKind,
    Statement,
    StatementStatus,
    UserType,
)
from crm.numbering import next_numbers
from tests.billing.conftest import tariff


def read(account, by, on, value):
    return services.record_reading(account=account, by=by, read_on=on, value=D(value))


def bill(account, reader, on, value, issued_on=None):
    reading = read(account, reader, on, value)
    return services.issue_statement(reading=reading, by=reader, issued_on=issued_on or on)


def pay(statement, cashier, amount, method=PaymentMethod.CASH, **kwargs):
    return services.record_payment(
        statement=statement, by=cashier, amount=D(amount), method=method, **kwargs
    )


@pytest.mark.django_db
def test_a_statement_bills_the_volume_since_the_last_reading(account, reader):
    """R-BIL-02: 气费结算单 QF-…: volume, tier lines, amount, due a week later."""
    statement = bill(account, reader, dt.date(2025, 2, 5), "25.00")
    assert statement.number.startswith("QF-2026-") or statement.number.startswith("QF-")
    assert statement.period_start == dt.date(2025, 1, 5)
    assert statement.period_end == dt.date(2025, 2, 5)
    assert statement.volume == D("25.00")
    assert statement.gas_amount == D("66.75")  # 25 × 2.67
    assert statement.total_due == D("66.75")
    assert statement.due_on == dt.date(2025, 2, 12)
    assert statement.status == StatementStatus.ISSUED
    assert [(line.tier, line.volume, line.amount) for line in statement.lines.all()] == [
        (1, D("25.00"), D("66.75"))
    ]
    assert statement.history.count() == 1


@pytest.mark.django_db
def test_a_due_date_on_a_holiday_moves_to_the_next_working_day(account, reader):
    """R-BIL-04: a week after 24 September 2026 is 1 October (National Day) → 8 October."""
    statement = bill(account, reader, dt.date(2025, 2, 5), "25", issued_on=dt.date(2026, 9, 24))
    assert statement.due_on == dt.date(2026, 10, 8)


@pytest.mark.django_db
def test_the_annual_volume_carries_over_statements_so_the_tier_changes_mid_year(account, reader):
    """R-BIL-02: 340 m³ billed this year; the next 25 m³ cross 350 and bill at two prices."""
    bill(account, reader, dt.date(2025, 2, 5), "120")
    bill(account, reader, dt.date(2025, 3, 5), "230")
    bill(account, reader, dt.date(2025, 4, 5), "340")
    statement = bill(account, reader, dt.date(2025, 5, 5), "365")
    assert [(line.tier, line.volume, line.amount) for line in statement.lines.all()] == [
        (1, D("10.00"), D("26.70")),
        (2, D("15.00"), D("48.00")),
    ]
    assert statement.gas_amount == D("74.70")


@pytest.mark.django_db
def test_a_statement_across_a_meter_change_bills_both_meters(account, reader):
    """R-BIL-01: old meter 1523 → 1530 (last), new meter 0 → 12: 7 + 12 = 19 m³."""
    bill(account, reader, dt.date(2025, 2, 5), "1523")
    services.replace_meter(
        account=account,
        by=reader,
        changed_on=dt.date(2025, 2, 20),
        final_value=D("1530"),
        number="JX-NEW-01",
        model="G2.5",
        seal_number="QF9",
        next_verification_on=dt.date(2031, 2, 20),
        reason="表计故障",
    )
    statement = bill(account, reader, dt.date(2025, 3, 5), "12")
    assert statement.volume == D("19.00")
    assert statement.opening_reading.value == D("1523")
    assert statement.closing_reading.meter.number == "JX-NEW-01"


@pytest.mark.django_db
def test_commercial_and_public_welfare_accounts_bill_at_their_own_price(
    make_account, tariffs, reader
):
    """R-BIL-01: 商业 3.65 and 公福 2.96 without tiers."""
    shop = make_account(user_type=UserType.COMMERCIAL, name="老孙家餐饮")
    school = make_account(user_type=UserType.PUBLIC_WELFARE, name="锦绣幼儿园")
    assert bill(shop, reader, dt.date(2025, 1, 23), "600").gas_amount == D("2190.00")
    assert bill(school, reader, dt.date(2025, 1, 23), "400").gas_amount == D("1184.00")


@pytest.mark.django_db
def test_a_price_change_mid_period_is_prorated_on_the_statement(make_account, tariffs, reader):
    """R-BIL-02: 公福 2.96 until 31 January, 3.10 from 1 February; 31 days, 3 at the new price."""
    tariffs[UserType.PUBLIC_WELFARE].valid_to = dt.date(2025, 1, 31)
    tariffs[UserType.PUBLIC_WELFARE].save()
    tariff(UserType.PUBLIC_WELFARE, dt.date(2025, 2, 1), [(None, "3.10")])
    school = make_account(user_type=UserType.PUBLIC_WELFARE, installed_on=dt.date(2025, 1, 3))
    statement = bill(school, reader, dt.date(2025, 2, 3), "310")
    assert [(line.price, line.volume, line.amount) for line in statement.lines.all()] == [
        (D("2.9600"), D("280.00"), D("828.80")),
        (D("3.1000"), D("30.00"), D("93.00")),
    ]
    assert statement.gas_amount == D("921.80")


@pytest.mark.django_db
def test_part_payments_leave_the_rest_owed_and_each_gets_a_receipt(account, reader, cashier):
    """R-BIL-04: part payment → 部分缴费; the rest stays on the statement; SK- receipts."""
    statement = bill(account, reader, dt.date(2025, 2, 5), "100")  # ¥267.00
    first = pay(statement, cashier, "100")
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PART_PAID
    assert statement.outstanding == D("167.00")
    assert statement.signed_off_by == cashier  # taking money = received at the counter
    second = pay(statement, cashier, "167", PaymentMethod.WECHAT, reference="4200001234202502")
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAID
    assert statement.settled_on is not None
    assert first.number.startswith("SK-") and second.number.startswith("SK-")
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


@pytest.mark.django_db
def test_an_overpayment_is_carried_forward_to_the_next_statement(account, reader, cashier):
    """R-BIL-04: ¥300 on ¥267.00 → ¥33.00 credit, used on the next statement."""
    statement = bill(account, reader, dt.date(2025, 2, 5), "100")
    payment = pay(statement, cashier, "300")
    assert (payment.applied, payment.to_credit) == (D("267.00"), D("33.00"))
    account.refresh_from_db()
    assert account.balance == D("33.00")
    following = bill(account, reader, dt.date(2025, 3, 5), "130")  # 30 m³ = ¥80.10
    assert following.gas_amount == D("80.10")
    assert following.carried_in == D("-33.00")
    assert following.total_due == D("47.10")
    account.refresh_from_db()
    assert account.balance == D("0.00")


@pytest.mark.django_db
def test_credit_larger_than_the_charge_stays_on_the_account(account, reader, cashier):
    statement = bill(account, reader, dt.date(2025, 2, 5), "10")  # ¥26.70
    pay(statement, cashier, "100")  # credit 73.30
    following = bill(account, reader, dt.date(2025, 3, 5), "20")  # ¥26.70
    assert following.total_due == D("0.00")
    assert following.status == StatementStatus.PAID
    account.refresh_from_db()
    assert account.balance == D("46.60")


@pytest.mark.django_db
def test_a_payment_needs_a_reference_for_transfers_and_mobile_payments(account, reader, cashier):
    statement = bill(account, reader, dt.date(2025, 2, 5), "10")
    for method in (PaymentMethod.TRANSFER, PaymentMethod.WECHAT, PaymentMethod.ALIPAY):
        with pytest.raises(ValidationError) as caught:
            pay(statement, cashier, "10", method)
        assert "reference" in caught.value.error_dict
    assert not statement.payments.exists()


@pytest.mark.django_db
def test_a_paid_statement_is_never_edited(account, reader, cashier):
    """R-BIL-04: nobody edits a paid statement; not even its settlement fields."""
    statement = bill(account, reader, dt.date(2025, 2, 5), "10")
    pay(statement, cashier, "26.70")
    statement = Statement.objects.get(pk=statement.pk)
    statement.volume = D("1")
    with pytest.raises(ImmutableStatement):
        statement.save()
    with pytest.raises(ImmutableStatement):
        statement.save(update_fields=["volume"])
    statement = Statement.objects.get(pk=statement.pk)
    statement.signer_name = "冒名"
    with pytest.raises(ImmutableStatement):
        statement.save(update_fields=["signer_name"])
    with pytest.raises(ImmutableStatement):
        statement.delete()
    with pytest.raises(ValidationError):
        pay(statement, cashier, "5")
    with pytest.raises(ValidationError):
        services.sign_statement(statement=statement, by=reader, signer_name="王丽华", on_paper=True)
    statement.refresh_from_db()
    assert statement.volume == D("10.00")


@pytest.mark.django_db
def test_what_was_billed_cannot_change_even_before_payment(account, reader):
    statement = Statement.objects.get(pk=bill(account, reader, dt.date(2025, 2, 5), "10").pk)
    statement.gas_amount = D("1.00")
    with pytest.raises(ImmutableStatement):
        statement.save(update_fields=["gas_amount"])


@pytest.mark.django_db
def test_a_credit_note_corrects_an_unpaid_statement(account, reader, finance, cashier):
    """R-BIL-04: corrections are notes (TZ-…): the statement's amount stays, what is owed falls."""
    statement = bill(account, reader, dt.date(2025, 2, 5), "100")  # 267.00
    note = services.issue_adjustment(
        statement=statement,
        by=finance,
        kind=AdjustmentKind.CREDIT,
        amount=D("26.70"),
        reason="抄表员多抄10方，经核实更正",
    )
    assert note.number.startswith("TZ-")
    statement.refresh_from_db()
    assert statement.total_due == D("267.00")
    assert statement.outstanding == D("240.30")
    pay(statement, cashier, "240.30")
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAID


@pytest.mark.django_db
def test_notes_on_a_paid_statement_go_to_the_account(account, reader, finance, cashier):
    """R-BIL-04: a paid statement is not touched: a credit becomes account credit, a debit a
    debt brought forward to the next statement."""
    statement = bill(account, reader, dt.date(2025, 2, 5), "100")
    pay(statement, cashier, "267.00")
    history = statement.history.count()
    services.issue_adjustment(
        statement=statement, by=finance, kind=AdjustmentKind.CREDIT, amount=D("20"), reason="补贴"
    )
    services.issue_adjustment(
        statement=statement,
        by=finance,
        kind=AdjustmentKind.DEBIT,
        amount=D("50"),
        reason="少抄补收",
    )
    statement.refresh_from_db()
    assert statement.history.count() == history
    assert statement.adjusted_total == D("0.00")
    account.refresh_from_db()
    assert account.balance == D("-30.00")
    following = bill(account, reader, dt.date(2025, 3, 5), "110")  # 10 m³ = 26.70
    assert following.carried_in == D("30.00")
    assert following.total_due == D("56.70")


@pytest.mark.django_db
def test_the_billing_run_issues_every_accepted_reading_with_gap_free_numbers(
    make_account, tariffs, reader, finance
):
    """R-BIL-02: the monthly run; numbers consecutive; running again issues nothing."""
    accounts = [make_account(name=f"住户{i}") for i in range(5)]
    for index, account in enumerate(accounts):
        read(account, reader, dt.date(2025, 2, 5), str(10 + index))
    result = services.run_billing(by=finance, issued_on=dt.date(2025, 2, 6), batch_size=2)
    assert result.issued == 5 and result.skipped == []
    numbers = sorted(int(n[-6:]) for n in Statement.objects.values_list("number", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + 5))
    # Bulk-written, yet every statement has its history row naming who ran the billing.
    for statement in Statement.objects.all():
        (created,) = statement.history.all()
        assert (created.history_type, created.history_user, created.number) == (
            "+",
            finance,
            statement.number,
        )
        assert created.total_due == statement.total_due
    assert services.run_billing(by=finance, issued_on=dt.date(2025, 2, 6)).issued == 0
    assert Statement.objects.get(account=accounts[3]).gas_amount == D("34.71")  # 13 × 2.67


@pytest.mark.django_db
def test_the_billing_run_bills_two_unbilled_readings_in_order(account, reader, finance):
    read(account, reader, dt.date(2025, 2, 5), "340")
    read(account, reader, dt.date(2025, 3, 5), "365")
    assert services.run_billing(by=finance, issued_on=dt.date(2025, 3, 6)).issued == 2
    later = Statement.objects.get(period_end=dt.date(2025, 3, 5))
    assert later.gas_amount == D("74.70")  # crosses 350 using the earlier statement of the run


@pytest.mark.django_db
def test_a_reading_without_a_price_is_reported_and_left_for_the_next_run(
    make_account, reader, finance
):
    account = make_account()  # no tariff at all
    read(account, reader, dt.date(2025, 2, 5), "10")
    result = services.run_billing(by=finance, issued_on=dt.date(2025, 2, 6))
    assert result.issued == 0
    assert account.number in result.skipped[0][1]
    assert not Statement.objects.exists()


@pytest.mark.django_db
def test_issuing_twice_for_one_reading_is_refused(account, reader):
    reading = read(account, reader, dt.date(2025, 2, 5), "10")
    services.issue_statement(reading=reading, by=reader)
    with pytest.raises(ValidationError):
        services.issue_statement(reading=reading, by=reader)
    assert Statement.objects.count() == 1


@pytest.mark.django_db
def test_next_numbers_takes_a_gap_free_block():
    first = next_numbers("QF", 3)
    second = next_numbers("QF", 2)
    assert [int(n[-6:]) for n in first + second] == [1, 2, 3, 4, 5]


def _png(blank=False) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (60, 20), (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line((2, 10, 58, 12), fill=(0, 0, 0, 255), width=2)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _data_url(png: bytes) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(png).decode()


@pytest.mark.django_db
def test_the_customer_signs_on_screen_and_the_png_is_kept(account, reader, settings, tmp_path):
    """R-BIL-02: the customer signs the statement; the drawing is stored as a PNG."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": "/nowhere/"},
        },
    }
    statement = bill(account, reader, dt.date(2025, 2, 5), "10")
    form = SignatureForm({"signer_name": "王丽华", "signature": _data_url(_png())})
    assert form.is_valid(), form.errors
    services.sign_statement(
        statement=statement, by=reader, signer_name="王丽华", png=form.cleaned_data["signature"]
    )
    statement.refresh_from_db()
    assert statement.signature.name.endswith(".png")
    assert statement.signature.read().startswith(b"\x89PNG")
    assert statement.is_signed and not statement.signed_on_paper


def test_a_blank_or_forged_signature_is_refused():
    assert not SignatureForm(
        {"signer_name": "王", "signature": _data_url(_png(blank=True))}
    ).is_valid()
    forged = "data:image/png;base64," + __import__("base64").b64encode(b"GIF89a....").decode()
    assert not SignatureForm({"signer_name": "王", "signature": forged}).is_valid()
    assert not SignatureForm({"signer_name": "王"}).is_valid()
    assert SignatureForm({"signer_name": "王", "on_paper": "on"}).is_valid()


@pytest.mark.django_db
def test_closing_an_account_needs_everything_settled(account, reader, finance, cashier):
    statement = bill(account, reader, dt.date(2025, 2, 5), "10")
    with pytest.raises(ValidationError):
        services.close_account(
            account=account, by=finance, closed_on=dt.date(2025, 2, 6), reason="搬离"
        )
    pay(statement, cashier, "26.70")
    services.close_account(
        account=account, by=finance, closed_on=dt.date(2025, 2, 6), reason="搬离"
    )
    account.refresh_from_db()
    assert account.status == "closed"
    with pytest.raises(ValidationError):
        read(account, reader, dt.date(2025, 3, 5), "20")
    assert not GasAccount.objects.open().filter(pk=account.pk).exists()
    assert account.readings.filter(kind=ReadingKind.REGULAR).count() == 1
