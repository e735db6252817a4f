"""Benchmark of the follow-up sweep (R-VIS-03, R-VIS-07) on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/snowball python bench/followups.py

In a database of its own (snowball_bench_visits, dropped at the end) it creates 1,000,000
customers and 100,000 follow-ups due now with bulk SQL, then measures in the same run:

- one sweep over the 100,000 due calls (claim in batches, one notification per call);
- a bare bulk insert of the same number of notification rows (the floor any sweep pays).

It prints both rates and their ratio (target: the sweep at least a quarter of the bulk
insert's rate), the queries the sweep issued, and its peak memory: Python allocations under
tracemalloc in a second, identical sweep (so tracing does not slow the timed one), and the
process's peak RSS. Not a test: no timing is asserted anywhere in the suite.
"""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "1000000"))
FOLLOW_UPS = int(os.environ.get("BENCH_FOLLOW_UPS", "100000"))
CALLERS = 100
BENCH_DB = os.environ.get("BENCH_DATABASE", "snowball_bench_visits")
TARGET = 0.25
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))  # best of N: the machine may be shared


def _urls() -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/followups.py needs DATABASE_URL pointing at PostgreSQL.")
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    return admin, urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def _setup_django(bench_url: str) -> None:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    import django

    django.setup()
    from django.conf import settings

    # DJANGO_DEBUG only spares the bench production's secrets; a DEBUG connection would keep
    # every query's SQL in memory, which a production worker does not.
    settings.DEBUG = False


def insert_series(model, count: int, overrides: dict[str, str], source: str = "") -> None:
    """INSERT … SELECT over generate_series: every column, either an SQL expression of `g`
    (the series) or the field's default. One statement, no Python per row."""
    from django.db import connection

    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in overrides:
            expressions.append(overrides[field.attname])
        else:
            expressions.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    source = source or f"generate_series(1, {int(count)}) AS g"
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
        f"({', '.join(columns)}) SELECT {', '.join(expressions)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def build_rows() -> list[int]:
    from django.db import connection

    from archives.models import Customer
    from crm.models import Company, Project, User
    from visits.models import FollowUp

    company = Company.objects.create(name="基准测试置业有限公司")
    project = Project.objects.create(company=company, code="bench", name="基准花园")
    callers = User.objects.bulk_create(
        User(username=f"bench{n}", name=f"顾问{n}", password="!") for n in range(CALLERS)
    )
    ids = [user.pk for user in callers]
    array = "ARRAY[" + ",".join(map(str, ids)) + "]"
    started = time.perf_counter()
    insert_series(
        Customer,
        CUSTOMERS,
        {
            "company_id": str(company.pk),
            "number": "'BK-' || lpad(g::text, 7, '0')",
            "name": "'客户' || g",
            "source": "'walk_in'",
            "status": "'won'",
            "owner_id": f"({array})[1 + g %% {CALLERS}]",
            "project_id": str(project.pk),
            "created_by_id": str(ids[0]),
        },
    )
    step = CUSTOMERS // FOLLOW_UPS
    insert_series(
        FollowUp,
        FOLLOW_UPS,
        {
            "customer_id": "c.id",
            "project_id": str(project.pk),
            "caller_id": f"({array})[1 + c.rn %% {CALLERS}]",
            "question_zh": "'第30天回访：询问客户意见，跟进交房、办证进度'",
            "due_on": "CURRENT_DATE",
            "call_on": "CURRENT_DATE",
            "escalate_on": "CURRENT_DATE + 3",
        },
        source=(
            "(SELECT id, row_number() OVER (ORDER BY id) AS rn FROM archives_customer) AS c "
            f"WHERE c.rn %% {step} = 0"
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  rows created in {time.perf_counter() - started:.1f}s with bulk SQL")
    return ids


def bulk_insert_baseline(caller_ids: list[int]) -> float:
    """The floor: build and bulk-insert as many notifications, nothing else."""
    from crm.models import Notification

    started = time.perf_counter()
    batch = []
    for n in range(FOLLOW_UPS):
        batch.append(
            Notification(
                recipient_id=caller_ids[n % CALLERS],
                title=f"今日回访：客户{n}",
                body="第30天回访：询问客户意见，跟进交房、办证进度（2026-11-27前完成）",
                url=f"/visits/followups/{n}/",
            )
        )
        if len(batch) == 1000:
            Notification.objects.bulk_create(batch)
            batch = []
    Notification.objects.bulk_create(batch)
    return time.perf_counter() - started


def reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE crm_notification")
        cursor.execute("UPDATE visits_followup SET notified_on = NULL")
        cursor.execute("VACUUM ANALYZE visits_followup")


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run() -> int:
    from django.core.management import call_command
    from django.db import connection

    from crm.models import Notification
    from visits.sweep import sweep

    print(f"== follow-up sweep: {CUSTOMERS:,} customers, {FOLLOW_UPS:,} follow-ups due now")
    call_command("migrate", verbosity=0)
    caller_ids = build_rows()

    counter = QueryCounter()
    sweep_seconds, report, rss_growth = float("inf"), None, 0
    for attempt in range(REPEAT):
        if attempt:
            reset()
        counter.count = 0
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            report = sweep()
            sweep_seconds = min(sweep_seconds, time.perf_counter() - started)
        rss_growth = max(
            rss_growth, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
        )
        assert report.notified == FOLLOW_UPS == Notification.objects.count(), report
    queries = counter.count

    reset()
    tracemalloc.start()
    sweep()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    insert_seconds = float("inf")
    for _attempt in range(REPEAT):
        reset()
        insert_seconds = min(insert_seconds, bulk_insert_baseline(caller_ids))

    sweep_rate = FOLLOW_UPS / sweep_seconds
    insert_rate = FOLLOW_UPS / insert_seconds
    ratio = sweep_rate / insert_rate
    print(
        f"  sweep:        {sweep_seconds:7.2f}s  {sweep_rate:9,.0f} calls/s  "
        f"({report.batches} batches, best of {REPEAT})"
    )
    print(f"  bulk insert:  {insert_seconds:7.2f}s  {insert_rate:9,.0f} rows/s  (best of {REPEAT})")
    print(f"  ratio:        {ratio:.2f} of the bulk-insert rate (target ≥ {TARGET:.2f})")
    print(f"  queries:      {queries} for the sweep ({queries / FOLLOW_UPS:.3f} per call)")
    print(f"  peak memory:  {peak / 2**20:.1f} MiB Python allocations during a sweep (tracemalloc)")
    print(
        f"                +{rss_growth / 1024:.0f} MiB peak RSS growth during a sweep "
        f"({resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB process peak)"
    )
    met = ratio >= TARGET
    print(f"  target met:   {'yes' if met else 'NO'}")
    return 0 if met else 1


def main() -> int:
    admin_url, bench_url = _urls()
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
    _admin(admin_url, f'CREATE DATABASE "{BENCH_DB}"')
    try:
        _setup_django(bench_url)
        return run()
    finally:
        from django.db import connections

        connections.close_all()
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}"')


if __name__ == "__main__":
    sys.exit(main())
