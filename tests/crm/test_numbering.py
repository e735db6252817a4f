"""The numbering service (R-FRM-01, R-ARC-01)."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from crm.numbering import FormKind, next_number

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_numbers_are_readable_and_sequential_per_kind():
    """R-FRM-01: uniform format and numbering — KH-2026-000001, then 000002; kinds count apart."""
    when = dt.datetime(2026, 3, 1, 9, tzinfo=SHANGHAI)
    assert next_number(FormKind.CUSTOMER_ARCHIVE, when=when) == "KH-2026-000001"
    assert next_number(FormKind.CUSTOMER_ARCHIVE, when=when) == "KH-2026-000002"
    assert next_number(FormKind.REPAIR_ORDER, when=when) == "WX-2026-000001"


@pytest.mark.django_db
def test_numbers_restart_each_year_in_shanghai_time():
    """R-ARC-01: the year in the number is Shanghai's; 2026-12-31 16:30 UTC is already 2027."""
    next_number("TS", when=dt.datetime(2026, 12, 31, 8, tzinfo=dt.UTC))
    assert next_number("TS", when=dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)) == (
        "TS-2027-000001"
    )


@pytest.mark.django_db
def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        next_number("ZZ")


@pytest.mark.django_db
def test_a_rolled_back_number_is_handed_out_again_but_a_saved_one_never():
    """R-ARC-01: numbers are never reused once used; a rolled-back one was never used."""
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        next_number("QF")
        raise RuntimeError
    first = next_number("QF")
    assert first.endswith("000001")
    assert next_number("QF").endswith("000002")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_requests_never_get_the_same_number():
    """R-ARC-01: unique under 20 concurrent requests on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs this on PostgreSQL)")
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)

    def take():
        try:
            barrier.wait()
            results.append(next_number("KH"))
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 20
    assert len(set(results)) == 20
    year = dt.datetime.now(SHANGHAI).year
    assert sorted(results) == [f"KH-{year}-{n:06d}" for n in range(1, 21)]
