"""Benchmark of the monthly gas billing run (not a test): 100,000 accounts on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/snowball python bench/billing.py

It creates its own database (snowball_bench_billing) on that server, fills it with 100,000
accounts whose previous month is billed and whose new reading is in, then measures in one run:

  1. the billing run (billing.services.run_billing): readings → priced statements with their
     tier lines, history rows and gap-free numbers;
  2. a bare bulk insert of the same number of statement rows (the floor: no reading, no price,
     no lines, no history).

It prints both rates, their ratio (target: the run at least a quarter of the bulk-insert rate)
and the peak memory of the run, then drops the database it made. Ratios, not seconds, are what
to compare between machines.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ACCOUNTS = int(os.environ.get("BENCH_ACCOUNTS", "100000"))
DATABASE = "snowball_bench_billing"
ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench/billing.py: skipped — set DATABASE_URL to a PostgreSQL server.")
        return 0
    server = urlparse(url)
    _create_database(server)
    os.environ["DATABASE_URL"] = urlunparse(server._replace(path=f"/{DATABASE}"))
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    os.environ["SNOWBALL_VAR_DIR"] = os.environ.get("SNOWBALL_VAR_DIR", str(ROOT / "var"))
    sys.path.insert(0, str(ROOT))
    try:
        return _run()
    finally:
        _drop_database(server)


def _admin_connection(server):
    import psycopg

    admin = urlunparse(server._replace(path="/postgres"))
    return psycopg.connect(admin, autocommit=True)


def _create_database(server) -> None:
    with _admin_connection(server) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def _drop_database(server) -> None:
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # Django never started: nothing to close
        pass
    with _admin_connection(server) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def _run() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    print(f"bench/billing.py: {ACCOUNTS:,} accounts on {DATABASE}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    settings.DEBUG = False  # no query log in memory during the measurement
    fixtures = _populate()
    print(f"  set-up (migrate + data): {time.perf_counter() - started:.1f} s")

    from billing import services
    from billing.models import Statement

    _give_back_memory()
    sampler = _MemorySampler()
    base_rss = _rss_kib()
    with sampler:
        t0 = time.perf_counter()
        result = services.run_billing(by=fixtures["finance"], issued_on=dt.date(2026, 10, 21))
        run_seconds = time.perf_counter() - t0
    peak_rss = sampler.peak
    assert result.issued == ACCOUNTS, (result.issued, result.skipped[:3])
    crossing = Statement.objects.filter(issued_on=dt.date(2026, 10, 21), lines__tier=2).count()

    bulk_seconds = _bare_bulk_insert(fixtures)

    run_rate = ACCOUNTS / run_seconds
    bulk_rate = ACCOUNTS / bulk_seconds
    ratio = run_rate / bulk_rate
    print(
        f"  billing run:       {run_seconds:7.2f} s  {run_rate:10,.0f} statements/s"
        f"  ({crossing:,} crossed a tier threshold)"
    )
    print(f"  bare bulk insert:  {bulk_seconds:7.2f} s  {bulk_rate:10,.0f} rows/s")
    print(
        f"  ratio run / bulk:  {ratio:.2f}  (target ≥ 0.25: {'met' if ratio >= 0.25 else 'MISSED'})"
    )
    print(
        f"  peak memory during the run: {peak_rss / 1024:,.0f} MiB resident "
        f"(+{(peak_rss - base_rss) / 1024:,.0f} MiB over the process before it)"
    )
    return 0


def _populate() -> dict:
    from archives.models import Customer, Source
    from billing.models import (
        GasAccount,
        Meter,
        Reading,
        ReadingKind,
        ReadingStatus,
        Statement,
        StatementLine,
        Tariff,
        TariffTier,
        UserType,
    )
    from crm.models import Company, User

    company = Company.objects.create(name="雪球置业集团有限公司（压测）")
    reader = User.objects.create(username="bench_reader", name="抄表员")
    finance = User.objects.create(username="bench_finance", name="财务")
    residential = Tariff.objects.create(
        user_type=UserType.RESIDENTIAL, name="居民阶梯", valid_from=dt.date(2024, 1, 1)
    )
    for tier, up_to, price in [(1, "350", "2.67"), (2, "500", "3.20"), (3, None, "4.01")]:
        TariffTier.objects.create(
            tariff=residential, tier=tier, up_to=up_to and Decimal(up_to), price=Decimal(price)
        )
    welfare = Tariff.objects.create(
        user_type=UserType.PUBLIC_WELFARE, name="公福", valid_from=dt.date(2024, 1, 1)
    )
    TariffTier.objects.create(tariff=welfare, tier=1, price=Decimal("2.96"))
    # A commercial price change on 1 October: every commercial statement is prorated.
    old = Tariff.objects.create(
        user_type=UserType.COMMERCIAL,
        name="商业",
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2026, 9, 30),
    )
    new = Tariff.objects.create(
        user_type=UserType.COMMERCIAL, name="商业（调整后）", valid_from=dt.date(2026, 10, 1)
    )
    TariffTier.objects.create(tariff=old, tier=1, price=Decimal("3.65"))
    TariffTier.objects.create(tariff=new, tier=1, price=Decimal("3.82"))

    batch = 5000
    for start in range(0, ACCOUNTS, batch):
        numbers = range(start, min(start + batch, ACCOUNTS))
        customers = Customer.objects.bulk_create(
            Customer(
                company=company,
                number=f"KH-2026-{n:06d}",
                name=f"住户{n}",
                source=Source.CALL,
                created_by=reader,
            )
            for n in numbers
        )
        accounts = GasAccount.objects.bulk_create(
            GasAccount(
                customer=customer,
                address=f"压测小区{n // 200}栋{n % 200}号",
                user_type=_user_type(n),
                reader=reader,
                opened_on=dt.date(2026, 8, 20),
            )
            for n, customer in zip(numbers, customers, strict=True)
        )
        meters = Meter.objects.bulk_create(
            Meter(
                account=account,
                number=f"B{n:07d}",
                model="G2.5",
                installed_on=dt.date(2026, 8, 20),
                seal_number=f"S{n}",
                next_verification_on=dt.date(2032, 8, 20),
            )
            for n, account in zip(numbers, accounts, strict=True)
        )
        readings = []
        for n, account, meter in zip(numbers, accounts, meters, strict=True):
            used = _monthly_use(n)
            for kind, day, value in [
                (ReadingKind.INITIAL, dt.date(2026, 8, 20), Decimal("1000.00")),
                (ReadingKind.REGULAR, dt.date(2026, 9, 20), Decimal("1000.00") + used),
                (ReadingKind.REGULAR, dt.date(2026, 10, 20), Decimal("1000.00") + 2 * used),
            ]:
                readings.append(
                    Reading(
                        account=account,
                        meter=meter,
                        kind=kind,
                        read_on=day,
                        value=value,
                        status=ReadingStatus.ACCEPTED,
                        entered_by=reader,
                    )
                )
        readings = Reading.objects.bulk_create(readings)
        # The September statements, already billed; their lines carry the year's volume so far
        # (a tenth of the homes are near 350 m³ and cross into tier 2 in October).
        previous = Statement.objects.bulk_create(
            Statement(
                number=f"QF-2025-{n:06d}",
                filled_by=reader,
                account=account,
                user_type=account.user_type,
                period_start=dt.date(2026, 8, 20),
                period_end=dt.date(2026, 9, 20),
                opening_reading=readings[3 * i],
                closing_reading=readings[3 * i + 1],
                volume=_monthly_use(n),
                gas_amount=Decimal("0.00"),
                total_due=Decimal("0.00"),
                issued_on=dt.date(2026, 9, 21),
                due_on=dt.date(2026, 9, 28),
                status="paid",
            )
            for i, (n, account) in enumerate(zip(numbers, accounts, strict=True))
        )
        StatementLine.objects.bulk_create(
            StatementLine(
                statement=statement,
                account_id=statement.account_id,
                year=2026,
                start=dt.date(2026, 8, 21),
                end=dt.date(2026, 9, 20),
                tariff=residential if statement.user_type == UserType.RESIDENTIAL else welfare,
                tier=1,
                volume=Decimal("335.00") if n % 10 == 0 else statement.volume,
                price=Decimal("2.67"),
                amount=Decimal("0.00"),
            )
            for n, statement in zip(numbers, previous, strict=True)
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"reader": reader, "finance": finance}


def _user_type(n: int) -> str:
    if n % 20 == 0:
        return "commercial"
    if n % 20 == 1:
        return "public_welfare"
    return "residential"


def _monthly_use(n: int) -> Decimal:
    if n % 20 == 0:
        return Decimal("640.00") + n % 97
    return Decimal("24.00") + Decimal(n % 13)


def _bare_bulk_insert(fixtures) -> float:
    """The same number of statement rows, inserted as plainly as Django can."""
    from django.db import transaction

    from billing.models import Reading, ReadingKind, Statement

    initial = list(
        Reading.objects.filter(kind=ReadingKind.INITIAL)
        .order_by("pk")
        .values_list("pk", "account_id")
    )
    issued = dt.date(2026, 10, 21)
    t0 = time.perf_counter()
    with transaction.atomic():
        Statement.objects.bulk_create(
            (
                Statement(
                    number=f"QX-2026-{i:06d}",
                    filled_by=fixtures["reader"],
                    account_id=account,
                    user_type="residential",
                    period_start=dt.date(2026, 8, 20),
                    period_end=dt.date(2026, 8, 20),
                    opening_reading_id=reading,
                    closing_reading_id=reading,
                    volume=Decimal("0.00"),
                    gas_amount=Decimal("0.00"),
                    total_due=Decimal("0.00"),
                    issued_on=issued,
                    due_on=dt.date(2026, 10, 28),
                )
                for i, (reading, account) in enumerate(initial)
            ),
            batch_size=2000,
        )
    return time.perf_counter() - t0


def _give_back_memory() -> None:
    """Hand the set-up's freed memory back to the system, so the run's own growth shows."""
    import contextlib
    import ctypes
    import gc

    gc.collect()
    # Without glibc the figure includes the set-up's leftovers.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class _MemorySampler:
    """The process's resident memory, sampled every 50 ms while the run goes on."""

    def __init__(self):
        import threading

        self.peak = _rss_kib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, _rss_kib())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_kib())


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    sys.exit(main())
