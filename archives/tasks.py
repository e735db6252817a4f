"""Celery tasks of the archives app, found by autodiscovery; each sub-package keeps its own."""

from archives.access.tasks import end_expired_grants  # noqa: F401  (access grants' expiry sweep)
