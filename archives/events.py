"""Recording the events that start follow-ups, and letting other apps act on them.

The leaf apps may not import each other (visits, complaints, repairs, billing), yet closing a
complaint must start a return visit. So the service that records such an event calls
`record_event` here, which writes a CustomerEvent and calls each registered handler in the
same transaction — explicitly, not through Django signals. The visits app registers the
handler that turns events into follow-ups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, transaction

from archives.models import Customer, CustomerEvent

Handler = Callable[[CustomerEvent], None]
_handlers: list[Handler] = []


def register_handler(handler: Handler) -> Handler:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


@transaction.atomic
def record_event(
    *,
    customer: Customer,
    kind: str,
    occurred_on: dt.date,
    source_key: str,
    by,
    label: str = "",
    project=None,
) -> CustomerEvent | None:
    """Record the event once; returns None if this source already recorded it."""
    try:
        with transaction.atomic():
            event = CustomerEvent.objects.create(
                customer=customer,
                kind=kind,
                occurred_on=occurred_on,
                source_key=source_key,
                label=str(label)[:200],
                project=project or customer.project,
                recorded_by=by,
            )
    except IntegrityError:
        return None
    for handler in _handlers:
        handler(event)
    return event
