"""Benchmark of the access door (R-ACC-01) on PostgreSQL: a consultant holding 5,000 grants
among 200,000 archives opens the first page of the customer list and one granted archive.

Each is measured against hand-written SQL that returns the same rows (checked), with the
same columns and under the same rule (a grant counts only while its level covers the
archive's), in one run, the two taking turns, and the ratio printed; so are the query counts
of the list and detail views, the list's for a page of 1 row and of 20 rows (they must be
equal). Not a test: it prints, it does not judge.
Targets: ratio ≤ 3, list query count independent of the rows on the page.

Runs only when DATABASE_URL points at PostgreSQL; it creates its own database
(snowball_bench_access), fills it with INSERT … SELECT generate_series, and drops it after.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._timing import paired_median_ms  # noqa: E402

BENCH_DB = "snowball_bench_access"
ARCHIVES, GRANTS, CONSULTANTS, REPEAT = 200_000, 5_000, 50, 15
# The door and its raw SQL alternate, so that a noisy moment weighs on both alike; a detail
# lookup takes a few milliseconds, so it can afford more rounds than a list.
LIST_RUNS, DETAIL_RUNS = 31, 201


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench/access.py: skipped (set DATABASE_URL to PostgreSQL to run it)")
        return 0
    import psycopg

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        if not os.environ.get("BENCH_KEEP"):  # BENCH_KEEP=1 leaves it for a closer look
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    return 0


def run() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    consultant, sample = populate()
    print(
        f"archives {ARCHIVES:,}, grants of the consultant {GRANTS:,}; medians of {LIST_RUNS} "
        f"(list) and {DETAIL_RUNS} (detail) rounds, door and raw SQL turn about"
    )
    report("list, first page", *measure_list(consultant))
    report("detail, one archive", *measure_detail(consultant, sample))


def report(what, door, raw, plain, door_db, raw_db, queries) -> None:
    """End to end (Python + database) against raw SQL; against the same rows fetched by the
    ORM without the door (what the rule itself costs); and inside PostgreSQL alone."""
    versus_orm = (
        f"; ORM without the door {plain:.2f} ms → door/ORM {door / plain:.2f}" if plain else ""
    )
    print(
        f"{what}: door {door:.2f} ms, raw SQL {raw:.2f} ms → ratio "
        f"{door / raw:.2f}{versus_orm}; in PostgreSQL {door_db:.2f} ms vs {raw_db:.2f} ms → "
        f"ratio {door_db / raw_db:.2f}; {queries}"
    )


def executed_ms(sql: str, params) -> float:
    """PostgreSQL's own execution time (EXPLAIN ANALYZE), median of REPEAT runs."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(REPEAT):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else plan
            times.append(plan["Execution Time"])
    return statistics.median(times)


# --- Data ---------------------------------------------------------------------------------------


def insert_series(model, count: int, expressions: dict[str, str], params: dict | None = None):
    """INSERT … SELECT … FROM generate_series(1, count) AS i: every column gets its model
    default unless `expressions` gives SQL (which may use i)."""
    from django.db import connection

    columns, values, arguments = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in expressions:
            values.append(expressions[field.attname])
        else:
            values.append("%s")
            arguments.append(field.get_db_prep_save(field.get_default(), connection))
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM generate_series(1, {count}) AS i"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)


def populate():
    from django.contrib.auth.models import Permission
    from django.db import connection

    from archives.models import (
        Attachment,
        Customer,
        CustomerPhone,
        CustomerUserObjectPermission,
    )
    from crm.models import Company, Department, User
    from crm.roles import Role, sync_role_permissions

    sync_role_permissions()
    company = Company.objects.create(name="基准测试公司")
    sales = Department.objects.create(company=company, code="sales", name="销售部")
    consultant = User.objects.create_user("bench", department=sales, name="基准顾问")
    consultant.groups.add(*_groups(Role.SALES_CONSULTANT))
    owners = [
        User.objects.create_user(f"owner{n}", department=sales, name=f"顾问{n}").pk
        for n in range(CONSULTANTS)
    ]
    owner_array = "ARRAY[" + ",".join(map(str, owners)) + "]"
    insert_series(
        Customer,
        ARCHIVES,
        {
            "company_id": str(company.pk),
            "number": "'KH-2025-' || lpad(i::text, 6, '0')",
            "name": "'客户' || i",
            "search_keys": "'kehu' || i",
            "source": "'call'",
            "owner_id": f"(CASE WHEN i %% 2000 = 0 THEN {consultant.pk} "
            f"ELSE ({owner_array})[1 + i %% {CONSULTANTS}] END)",
            "created_by_id": str(owners[0]),
            "created_at": "now() - (i || ' minutes')::interval",
            "status_changed_at": "now() - (i || ' minutes')::interval",
        },
    )
    first = Customer.objects.order_by("pk").values_list("pk", flat=True).first()
    insert_series(
        CustomerPhone,
        ARCHIVES,
        {
            "customer_id": f"{first} - 1 + i",
            "company_id": str(company.pk),
            "kind": "'mobile'",
            "number": "'+86139' || lpad(i::text, 8, '0')",
            "tail": "right(lpad(i::text, 8, '0'), 4)",
            "is_primary": "true",
        },
    )
    view = Permission.objects.get(codename="view_customer").pk
    step = ARCHIVES // GRANTS
    insert_series(
        CustomerUserObjectPermission,
        GRANTS,
        {
            "user_id": str(consultant.pk),
            "permission_id": str(view),
            "content_object_id": f"{first} - 1 + i * {step} - 1",
            "expires_at": "now() + interval '30 days'",
            "level": "'public'",
        },
    )
    sample = first - 1 + (GRANTS // 2) * step - 1
    # The sampled archive carries an ID copy at 公开 and one at 秘密 (hidden from this grant):
    # its detail page lists them through the attachments' own rule.
    insert_series(
        Attachment,
        2,
        {
            "customer_id": str(sample),
            "uploaded_by_id": str(owners[0]),
            "kind": "'id_card'",
            "file": "'bench/' || i",
            "original_name": "'身份证.jpg'",
            "content_type": "'image/jpeg'",
            "size": "1024",
            "secrecy": "(ARRAY['public', 'secret'])[i]",
            "uploaded_at": "now()",
        },
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return consultant, sample


def _groups(*names):
    from django.contrib.auth.models import Group

    return list(Group.objects.filter(name__in=names))


# --- Measurements ---------------------------------------------------------------------------------


# A grant counts while its level covers the archive's (公开 < 秘密 < 机密 < 绝密).
LEVELS = "ARRAY['public', 'secret', 'confidential', 'top_secret']"
COVERS = (
    f"array_position({LEVELS}, {{archive}}.secrecy::text) "
    f"<= array_position({LEVELS}, gr.level::text)"
)
OPENED = (
    """
    SELECT gr.content_object_id AS id
      FROM archives_customeruserobjectpermission gr
      JOIN auth_permission p ON p.id = gr.permission_id
      JOIN archives_customer a ON a.id = gr.content_object_id
     WHERE gr.user_id = %(user)s AND p.codename = 'view_customer'
       AND (gr.expires_at IS NULL OR gr.expires_at > now()) AND """
    + COVERS.format(archive="a")
    + """
    UNION SELECT id FROM archives_customer WHERE owner_id = %(user)s
    UNION SELECT customer_id FROM archives_customer_co_owners WHERE user_id = %(user)s
"""
)
RAW_LIST = (
    "WITH opened AS ("
    + OPENED
    + """)
SELECT c.id, c.number, c.status, c.source, c.secrecy, c.is_important, c.name, c.created_at,
       c.voided_at,
       (SELECT ph.number FROM archives_customerphone ph WHERE ph.customer_id = c.id
         ORDER BY ph.is_primary DESC, ph.id LIMIT 1),
       o.name, o.username, gr.code, pr.name,
       c.owner_id = %(user)s OR EXISTS (SELECT 1 FROM archives_customer_co_owners co
                                         WHERE co.customer_id = c.id AND co.user_id = %(user)s)
  FROM archives_customer c JOIN opened USING (id)
  LEFT JOIN crm_user o ON o.id = c.owner_id
  LEFT JOIN archives_grade gr ON gr.id = c.grade_id
  LEFT JOIN crm_project pr ON pr.id = c.project_id
 WHERE c.voided_at IS NULL
 ORDER BY c.created_at DESC, c.id DESC
 LIMIT 20
"""
)
RAW_COUNT = (
    "SELECT count(*) FROM archives_customer c WHERE c.voided_at IS NULL AND c.id IN ("
    + OPENED
    + ")"
)


def measure_list(user):
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import RequestFactory

    from archives.views import listed_customers

    request = RequestFactory().get("/archives/")
    request.user = user

    def door():
        _form, customers = listed_customers(request)
        page = Paginator(customers, 20).get_page(1)
        return page.paginator.count, [c.pk for c in page.object_list]

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW_COUNT, {"user": user.pk})
            count = cursor.fetchone()[0]
            cursor.execute(RAW_LIST, {"user": user.pk})
            return count, [row[0] for row in cursor.fetchall()]

    assert door() == raw(), "the door and the raw SQL disagree"
    door_time, raw_time = paired_median_ms(door, raw, runs=LIST_RUNS)
    _form, customers = listed_customers(request)
    count_sql, count_params = customers.values("pk").query.sql_with_params()
    page_sql, page_params = customers[:20].query.sql_with_params()
    door_db = executed_ms(f"SELECT count(*) FROM ({count_sql}) AS c", count_params)
    door_db += executed_ms(page_sql, page_params)
    raw_db = executed_ms(RAW_COUNT, {"user": user.pk}) + executed_ms(RAW_LIST, {"user": user.pk})
    one_row, _ms = _view_queries(user, "/archives/?q=客户198000")
    twenty_rows, view_ms = _view_queries(user, "/archives/?q=客户19")
    queries = (
        f"list view queries: page of 1 row {one_row}, page of 20 rows {twenty_rows} "
        f"(whole view {view_ms:.0f} ms)"
    )
    return door_time, raw_time, None, door_db, raw_db, queries


RAW_DETAIL = (
    """
SELECT c.*, o.*, g.*, pr.*, cb.* FROM archives_customer c
  LEFT JOIN crm_user o ON o.id = c.owner_id
  LEFT JOIN archives_grade g ON g.id = c.grade_id
  LEFT JOIN crm_project pr ON pr.id = c.project_id
  LEFT JOIN crm_user cb ON cb.id = c.created_by_id
 WHERE c.id = %(pk)s AND (
       c.owner_id = %(user)s
    OR EXISTS (SELECT 1 FROM archives_customer_co_owners co
                WHERE co.customer_id = c.id AND co.user_id = %(user)s)
    OR EXISTS (SELECT 1 FROM archives_customeruserobjectpermission gr
                 JOIN auth_permission p ON p.id = gr.permission_id
                WHERE gr.content_object_id = c.id AND gr.user_id = %(user)s
                  AND p.codename = 'view_customer'
                  AND (gr.expires_at IS NULL OR gr.expires_at > now())
                  AND """
    + COVERS.format(archive="c")
    + """))
"""
)


def measure_detail(user, pk):
    from django.db import connection

    from archives.models import Customer
    from crm import permissions

    queryset = Customer.objects.select_related("owner", "grade", "project", "created_by")

    def door():
        return permissions.get_for_user_or_404(user, permissions.VIEW, queryset, pk).pk

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW_DETAIL, {"pk": pk, "user": user.pk})
            return cursor.fetchone()[0]

    def plain():
        return queryset.get(pk=pk).pk

    assert door() == raw() == plain() == pk
    door_time, raw_time, plain_time = paired_median_ms(door, raw, plain, runs=DETAIL_RUNS)
    with permissions.single_row():
        allowed = permissions.visible(user, permissions.VIEW, queryset)
    sql, params = allowed.filter(pk=pk).query.sql_with_params()
    door_db = executed_ms(sql, params)
    raw_db = executed_ms(RAW_DETAIL, {"pk": pk, "user": user.pk})
    count, view_ms = _view_queries(user, f"/archives/{pk}/")
    queries = f"detail view queries: {count} (whole view {view_ms:.0f} ms)"
    return door_time, raw_time, plain_time, door_db, raw_db, queries


def _view_queries(user, path) -> tuple[int, float]:
    """The view's number of queries, and its median time end to end, for information."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    queries = len(captured)  # before more requests move the connection's query log on
    (milliseconds,) = paired_median_ms(lambda: client.get(path), runs=REPEAT)
    return queries, milliseconds


if __name__ == "__main__":
    sys.exit(main())
