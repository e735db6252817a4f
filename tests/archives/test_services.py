"""Opening and changing archives through the services (R-ARC-01, 02, 04, 05, 07)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from archives import services
from archives.models import (
    Category,
    Customer,
    CustomerPhone,
    EventKind,
    PhoneKind,
    Status,
)
from crm import pii
from tests.factories import UnitFactory


@pytest.mark.django_db
def test_every_archive_gets_the_next_readable_number(make_customer, owner):
    """R-ARC-01: numbered in one uniform format, unique, never reused."""
    first = make_customer(owner=owner)
    second = make_customer(owner=owner)
    assert first.number.startswith("KH-")
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


@pytest.mark.django_db
def test_a_known_mobile_never_opens_a_second_archive(make_customer, owner, colleague):
    """R-ARC-08 / design: a registered mobile finds its archive; no duplicate is created."""
    first = make_customer(owner=owner, mobile="13912345678")
    with pytest.raises(services.DuplicateCustomer) as caught:
        make_customer(owner=colleague, mobile="139-1234-5678")
    assert caught.value.existing == first
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_mobile_even_past_the_service(customer):
    """The constraint, not only the form, keeps a mobile unique per company."""
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerPhone.objects.create(
            customer=customer,
            company=customer.company,
            kind=PhoneKind.MOBILE,
            number="+8613912345678",
        )


@pytest.mark.django_db
def test_companies_and_special_customers_hold_their_company_data(bank):
    """R-ARC-02, R-ARC-04: suppliers, banks, lawyers … with legal representative and capital."""
    assert bank.is_company
    assert bank.registered_capital == Decimal("5000.00")
    assert bank.category in Category.special()
    assert bank.legal_representative == "李明"


@pytest.mark.django_db
def test_status_moves_along_the_lifecycle_with_reasons(customer, owner):
    """R-ARC-05: lead → intent → won / lost → moved out; each change with time and reason."""
    services.change_status(customer=customer, to=Status.INTENT, reason="有意向", by=owner)
    with pytest.raises(ValidationError):
        services.change_status(customer=customer, to=Status.MOVED_OUT, reason="x", by=owner)
    with pytest.raises(ValidationError):
        services.change_status(customer=customer, to=Status.WON, reason=" ", by=owner)
    services.change_status(customer=customer, to=Status.WON, reason="签约", by=owner)
    steps = list(customer.status_changes.order_by("changed_at").values_list("to_status", "reason"))
    assert steps == [(Status.INTENT, "有意向"), (Status.WON, "签约")]


@pytest.mark.django_db
def test_adding_information_needs_no_reason_but_a_correction_does(customer, owner):
    """R-ARC-07: filling an empty field is an addition; changing a recorded value is a
    correction that needs a reason, and both are kept in the history."""
    services.update_customer(customer=customer, by=owner, changes={"occupation": "教师"})
    with pytest.raises(ValidationError) as caught:
        services.update_customer(customer=customer, by=owner, changes={"occupation": "校长"})
    assert "reason" in caught.value.message_dict
    customer.refresh_from_db()
    assert customer.occupation == "教师"  # nothing saved half-way
    services.update_customer(
        customer=customer, by=owner, changes={"occupation": "校长"}, reason="客户已升任校长"
    )
    latest = customer.history.first()
    assert latest.history_change_reason == "客户已升任校长"
    assert latest.history_user == owner
    assert customer.history.count() == 3


@pytest.mark.django_db
def test_id_numbers_are_encrypted_hashed_and_masked(make_customer, owner):
    """R-ACC-06: stored encrypted with a keyed hash for exact search, shown masked."""
    customer = make_customer(owner=owner, id_number="11010519491231002X")
    assert "11010519491231002X" not in customer.id_number_encrypted
    assert pii.decrypt(customer.id_number_encrypted) == "11010519491231002X"
    assert customer.id_number_hash == pii.keyed_hash("11010519491231002x")
    assert customer.id_number_masked == "1101**********002X"


@pytest.mark.django_db
def test_a_deal_wins_the_customer_and_records_the_starting_event(customer, owner):
    unit = UnitFactory()
    services.record_deal(
        customer=customer,
        by=owner,
        unit=unit,
        amount=Decimal("1200000.00"),
        signed_on=dt.date(2026, 11, 1),
    )
    customer.refresh_from_db()
    assert customer.status == Status.WON
    assert list(customer.events.values_list("kind", flat=True)) == [EventKind.DEAL_WON]


@pytest.mark.django_db
def test_moving_in_and_out_keeps_the_unit_file_and_status(customer, owner):
    """R-ARC-14: move-in opens the unit file; moving out marks the buyer moved out."""
    unit = UnitFactory()
    services.record_deal(
        customer=customer, by=owner, unit=unit, amount=Decimal("1"), signed_on=dt.date(2026, 1, 5)
    )
    occupancy = services.move_in(
        customer=customer, unit=unit, role="owner", moved_in=dt.date(2026, 2, 1), by=owner
    )
    assert unit.documents.filter(kind="move_in").exists()
    with pytest.raises(ValidationError):
        services.move_out(occupancy=occupancy, moved_out=dt.date(2026, 1, 1), by=owner)
    services.move_out(occupancy=occupancy, moved_out=dt.date(2026, 6, 1), by=owner)
    customer.refresh_from_db()
    assert customer.status == Status.MOVED_OUT


@pytest.mark.django_db
def test_voiding_keeps_the_archive_with_its_reason(customer, owner):
    with pytest.raises(ValidationError):
        services.void_customer(customer=customer, by=owner, reason="")
    services.void_customer(customer=customer, by=owner, reason="重复登记，已合并")
    assert Customer.objects.filter(pk=customer.pk, void_reason="重复登记，已合并").exists()
    assert not Customer.objects.active().filter(pk=customer.pk).exists()
