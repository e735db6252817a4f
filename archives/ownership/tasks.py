"""Celery tasks of the ownership rules: thin wrappers around the sweeps (beat entries in
archives/schedule.py)."""

from celery import shared_task

from archives.ownership import pool, sheets


@shared_task(name="archives.tasks.sweep_public_pool")
def sweep_public_pool() -> dict:
    """Beat: recall customers whose protection period ended, warn those near it."""
    return pool.sweep()


@shared_task(name="archives.tasks.mark_missing_sheets")
def mark_missing_sheets() -> int:
    """Beat: after 10:00, yesterday's registration sheets not submitted are missing."""
    return sheets.mark_missing()
