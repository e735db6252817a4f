"""Celery tasks of the archives app: thin wrappers that call a service."""

from celery import shared_task

from archives import services


@shared_task
def purge_stale_imports() -> int:
    """Beat, hourly: uploaded customer lists nobody confirmed within a day are discarded."""
    return services.purge_stale_imports()
