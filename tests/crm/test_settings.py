"""Production mode: refuses to start half-configured, passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 20 + "a-very-long-random-production-secret-value",
    "DJANGO_ALLOWED_HOSTS": "crm.example.com",
    "SNOWBALL_FIELD_KEYS": "ZGV2LW9ubHktZmllbGQta2V5LWZvci1zbm93YmFsbCE=",
    "SNOWBALL_HASH_KEY": "production-hash-key",
}


def run_django(env_changes, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SNOWBALL_"))}
    env.pop("DATABASE_URL", None)
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION}
    del env["DJANGO_SECRET_KEY"]
    result = run_django(env, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {**PRODUCTION}
    del env["DJANGO_ALLOWED_HOSTS"]
    result = run_django(env, "check")
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_an_invalid_database_url_stops_start_up_with_a_clear_message():
    result = run_django({**PRODUCTION, "DATABASE_URL": "postgress//nonsense"}, "check")
    assert result.returncode != 0
    assert "DATABASE_URL is not a valid database address" in result.stderr


def test_deploy_checks_are_clean_in_production_mode():
    result = run_django(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.postgres
@pytest.mark.django_db
def test_page_queries_run_without_parallel_workers_on_postgresql():
    """A search page is one serial query; parallel workers would read far past its
    20 rows (bench/archives.py)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs this on PostgreSQL)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
