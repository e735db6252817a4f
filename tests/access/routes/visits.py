"""URL sweep routes of visits (see tests/access/sweep.py for Public / Staff / Private)."""

from tests.access.sweep import Route

ROUTES: dict[str, Route] = {}
