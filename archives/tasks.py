"""Celery tasks of the archives app: thin wrappers that call a service. Autodiscovery finds
this module only, so the sub-packages' tasks are imported here."""

from celery import shared_task

from archives import services
from archives.access.tasks import end_expired_grants  # noqa: F401  (access grants' expiry sweep)
from archives.ownership.tasks import *  # noqa: F403  (public pool, daily sheets)


@shared_task
def purge_stale_imports() -> int:
    """Beat, hourly: uploaded customer lists nobody confirmed within a day are discarded."""
    return services.purge_stale_imports()
