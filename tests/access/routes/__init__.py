"""The URL sweep's route tables of the apps beyond the archive: one module per app, each a
`ROUTES` dict in the vocabulary of tests/access/sweep.py. A URL name declared twice fails."""

from collections import Counter

from tests.access.routes import billing, complaints, repairs, sales, visits

_TABLES = (sales.ROUTES, visits.ROUTES, complaints.ROUTES, repairs.ROUTES, billing.ROUTES)
_twice = [name for name, n in Counter(k for t in _TABLES for k in t).items() if n > 1]
assert not _twice, f"URL names declared twice in tests/access/routes: {_twice}"

APP_ROUTES = {name: route for table in _TABLES for name, route in table.items()}
