"""Snowball's project package and shared core (users, roles, property, numbering, calendar)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
