"""Celery tasks of archive access: thin wrappers that call a service (no arguments at all, so
no personal data can travel through the broker)."""

from celery import shared_task

from archives.access import services


@shared_task
def end_expired_grants() -> int:
    """Beat: record expired grants, delete their guardian rows, tell the requesters."""
    return services.end_expired_grants()
