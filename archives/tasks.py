"""Celery tasks of the archives app, found by Celery's autodiscovery."""

from archives.ownership.tasks import *  # noqa: F403
