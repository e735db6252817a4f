"""Benchmark: the customer list and its searches on 200,000 archives (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/snowball python bench/archives.py

Builds its own database (snowball_bench_archives), fills it with 200,000 archives and their
phones in bulk SQL, then measures in one run, for a consultant and for a sales manager:
the first page of the list (filtered by status, sorted newest first) and the three searches
(name, last four digits of a phone, pinyin initials) — the page's rows as the list view
fetches them (permission door, search, annotations and joins: the queryset the view builds,
compiled, run and turned into objects; building it from the form and the session is not
timed, the whole view is) against the single raw SQL query that returns the same rows: the
columns the page shows, under the same visibility rule (owner, co-owner, the department up
to 机密 for a manager, an unexpired view grant whose level covers the archive's). It prints
each ratio (medians of 31 runs, page and raw SQL taken turn about), the count query and the
whole view for information, and the number of queries per page for 20 and for 100 rows.
Targets: every ratio ≤ 3; the same number of queries for 20 and 100 rows. Not a test: run
it with `make bench`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._timing import paired_median_ms  # noqa: E402

BENCH_DB = "snowball_bench_archives"
TOTAL = 200_000
RUNS = 7
PAIRED_RUNS = 31  # page and raw SQL alternate, so a noisy moment weighs on both alike


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("bench/archives.py needs DATABASE_URL pointing at PostgreSQL; skipped.")
        sys.exit(0)
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{BENCH_DB}"))


def create_database(url: str) -> None:
    import psycopg

    admin = urlunparse(urlparse(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        connection.execute(f"CREATE DATABASE {BENCH_DB}")


def drop_database(url: str) -> None:
    import psycopg

    admin = urlunparse(urlparse(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
    "于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷"
    "龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文单仇"
)
GIVEN = (
    "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平刚桂英华玉萍红华建国志鹏飞宇浩然子轩梓涵"
    "欣怡晨阳雪梅海燕春兰国庆文博思远佳琪嘉怡"
)


def fill(connection, consultant_id: int, other_ids: list[int], company_id: int, project_id: int):
    """200,000 archives and one mobile each, in a handful of set-based statements."""
    from archives.search import build_search_keys

    names, keys = [], []
    for i, surname in enumerate(SURNAMES):
        for j in range(0, len(GIVEN) - 1, 2):
            name = surname + GIVEN[j : j + 2 - (i + j) % 2]
            names.append(name)
            keys.append(build_search_keys(name))
    owners = [consultant_id, *other_ids]
    with connection.cursor() as cursor:
        # Building the search index once afterwards is far quicker than row by row.
        cursor.execute("DROP INDEX customer_search_words")
        cursor.execute(
            """
            INSERT INTO archives_customer (
                company_id, number, kind, category, status, status_changed_at, source,
                agent_name, project_id, owner_id, secrecy, is_important, greeting_opt_out,
                name, search_keys, gender, occupation, employer, email, address, postcode,
                id_number_encrypted, id_number_hash, id_number_masked, legal_representative,
                fax, business_scope, credit_code, credit_rating, trade_terms, profile, notes,
                created_at, created_by_id, void_reason, birthday_is_lunar, lunar_birth_leap
            )
            SELECT %(company)s, 'KH-2026-' || lpad(i::text, 6, '0'), 'individual', 'buyer',
                   (ARRAY['lead','intent','won','lost'])[1 + (i / 10) %% 4],
                   now() - (i || ' minutes')::interval, 'walk_in', '', %(project)s,
                   (%(owners)s::bigint[])[1 + i %% %(n_owners)s], 'public', false, false,
                   (%(names)s::text[])[1 + i %% %(n_names)s],
                   (%(keys)s::text[])[1 + i %% %(n_names)s],
                   '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '{}', '',
                   now() - (i || ' minutes')::interval, %(creator)s, '', false, false
            FROM generate_series(1, %(total)s) AS i
            """,
            {
                "company": company_id,
                "project": project_id,
                "owners": owners,
                "n_owners": len(owners),
                "names": names,
                "keys": keys,
                "n_names": len(names),
                "creator": consultant_id,
                "total": TOTAL,
            },
        )
        cursor.execute(
            """
            INSERT INTO archives_customerphone (customer_id, company_id, kind, number, tail,
                                                is_primary, note)
            SELECT id, company_id, 'mobile', '+86139' || lpad(id::text, 8, '0'),
                   right(lpad(id::text, 8, '0'), 4), true, ''
            FROM archives_customer
            """
        )
        cursor.execute(
            "CREATE INDEX customer_search_words ON archives_customer "
            "USING gin (to_tsvector('simple'::regconfig, search_keys))"
        )
        cursor.execute("ANALYZE")


LIST_SQL = """
SELECT c.id, c.number, c.name, c.is_important, c.voided_at, c.status, c.source, c.created_at,
       c.secrecy, u.name, u.username, g.code, p.name,
       (SELECT ph.number FROM archives_customerphone ph WHERE ph.customer_id = c.id
         ORDER BY ph.is_primary DESC, ph.id LIMIT 1) AS primary_phone,
       (c.owner_id = {me} OR EXISTS (SELECT 1 FROM archives_customer_co_owners co
         WHERE co.customer_id = c.id AND co.user_id = {me})) AS is_mine
  FROM archives_customer c
  LEFT JOIN crm_user u ON u.id = c.owner_id
  LEFT JOIN archives_grade g ON g.id = c.grade_id
  LEFT JOIN crm_project p ON p.id = c.project_id
 WHERE c.voided_at IS NULL AND {visible} AND {where}
 ORDER BY c.created_at DESC, c.id DESC LIMIT 20
"""


def median_ms(function) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    url = bench_database_url()
    create_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        if not os.environ.get("BENCH_KEEP"):
            drop_database(url)


def run() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from archives import views
    from crm.roles import Role
    from tests.factories import DepartmentFactory, ProjectFactory, UserFactory

    setup_test_environment()  # responses then carry their template context
    call_command("migrate", verbosity=0)
    department = DepartmentFactory()
    project = ProjectFactory(company=department.company)
    consultant = UserFactory(username="bench", roles=[Role.SALES_CONSULTANT], department=department)
    manager = UserFactory(username="boss", roles=[Role.SALES_MANAGER], department=department)
    others = [
        UserFactory(username=f"c{i}", roles=[Role.SALES_CONSULTANT], department=department).pk
        for i in range(9)
    ]
    started = time.perf_counter()
    fill(connection, consultant.pk, others, department.company_id, project.pk)
    print(f"filled {TOTAL:,} archives in {time.perf_counter() - started:.1f} s")

    # The door's rule: a live view grant counts while its level covers the archive's
    # (公开 < 秘密 < 机密 < 绝密); a manager's department is covered up to 机密.
    levels = "ARRAY['public', 'secret', 'confidential', 'top_secret']"
    grants = (
        "c.id IN (SELECT g.content_object_id FROM archives_customeruserobjectpermission g "
        "JOIN auth_permission p ON p.id = g.permission_id "
        "JOIN archives_customer a ON a.id = g.content_object_id "
        "WHERE g.user_id = {me} AND p.codename = 'view_customer' "
        "AND (g.expires_at IS NULL OR g.expires_at > now()) "
        f"AND array_position({levels}, a.secrecy::text) "
        f"<= array_position({levels}, g.level::text))"
    )
    co_owned = "c.id IN (SELECT customer_id FROM archives_customer_co_owners WHERE user_id = {me})"
    owned_by = {
        "consultant": f"(c.owner_id = {{me}} OR {co_owned} OR {grants})",
        "manager": (
            f"((c.owner_id IN (SELECT id FROM crm_user WHERE department_id = {department.pk}) "
            f"AND c.secrecy <> 'top_secret') OR {co_owned} OR {grants})"
        ),
    }
    words = (
        "to_tsvector('simple'::regconfig, c.search_keys) @@ to_tsquery('simple'::regconfig, '%s')"
    )
    cases = [
        ("list: status=intent, newest first", {"status": "intent"}, "c.status = 'intent'"),
        ("search: name 刘芳", {"q": "刘芳"}, words % "刘芳:*"),
        (
            "search: phone tail 4321",
            {"q": "4321"},
            "c.id IN (SELECT customer_id FROM archives_customerphone WHERE tail = '4321')",
        ),
        ("search: pinyin initials lf", {"q": "lf"}, words % "lf:*"),
    ]
    header = f"{'who':<11}{'case':<36}{'page ms':>8}{'sql ms':>8}{'ratio':>7}"
    print(f"{header}{'count ms':>9}{'view ms':>9}{'rows':>6}")
    worst = 0.0
    factory = RequestFactory()
    for who, user in (("consultant", consultant), ("manager", manager)):
        client = Client()
        client.force_login(user)
        for label, params, where in cases:
            # The same rows as the page: the columns it shows, the same visibility rule.
            sql = LIST_SQL.format(me=user.pk, visible=owned_by[who].format(me=user.pk), where=where)
            # Search words travel by POST and a session token, never in the URL.
            url = client.post("/archives/", params).url
            request = factory.get(url)
            request.user, request.session = user, client.session
            _form, customers = views.listed_customers(request)  # the rows as the list pages them

            def raw(sql=sql):
                with connection.cursor() as cursor:
                    cursor.execute(sql)
                    return cursor.fetchall()

            def page(customers=customers):
                return list(customers[:20])

            def view(url=url, client=client):
                return client.get(url)

            expected = [row[1] for row in raw()]
            assert [c.number for c in page()] == expected, f"{label}: view and SQL disagree"
            page_ms, sql_ms = paired_median_ms(page, raw, runs=PAIRED_RUNS)
            count_ms, view_ms = median_ms(customers.count), median_ms(view)
            ratio = page_ms / sql_ms
            worst = max(worst, ratio)
            print(
                f"{who:<11}{label:<36}{page_ms:>8.1f}{sql_ms:>8.1f}{ratio:>7.2f}"
                f"{count_ms:>9.1f}{view_ms:>9.1f}{len(expected):>6}"
            )
    counts = {}
    for size in (20, 100):
        views.PAGE_SIZE = size
        client = Client()
        client.force_login(consultant)
        client.get("/archives/")
        with CaptureQueriesContext(connection) as queries:
            client.get("/archives/", {"status": "intent"})
        counts[size] = len(queries)
    print("page ms: the list's first page through the ORM, permission filter and all;")
    print("sql ms: one raw query returning the same rows; count/view ms for information.")
    print(f"queries per page: {counts[20]} for 20 rows, {counts[100]} for 100 rows")
    print(
        f"worst ratio {worst:.2f} (target ≤ 3); query count constant: {counts[20] == counts[100]}"
    )


if __name__ == "__main__":
    main()
