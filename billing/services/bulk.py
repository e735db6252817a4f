"""Writing many rows at once for the monthly run.

The statements themselves go in with Django's bulk_create (their primary keys come back for
the rows that point at them). Their history rows and tier lines are plain data: on PostgreSQL
they are streamed with COPY, which skips Django's per-field SQL compiling and is several times
faster; elsewhere they fall back to bulk_create. Either way the rows are the same ones
simple_history and the ORM would write: nothing escapes the history.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence], *, batch_size=2000):
    """Insert `rows` (tuples in the order of `fields`, given by attname) into `model`."""
    if connection.vendor == "postgresql":
        columns = ", ".join(
            connection.ops.quote_name(model._meta.get_field(name).column) for name in fields
        )
        table = connection.ops.quote_name(model._meta.db_table)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    model.objects.bulk_create(
        [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=batch_size
    )


def insert_history(objects, *, model, by, reason: str, when) -> None:
    """The "+" history rows of freshly bulk-created `objects`, as simple_history writes them."""
    history = model.history.model
    tracked = [field.attname for field in history.tracked_fields]
    fields = [*tracked, "history_date", "history_change_reason", "history_type", "history_user"]
    fields = [history._meta.get_field(name).attname for name in fields]
    insert_rows(
        history,
        fields,
        ((*(getattr(obj, name) for name in tracked), when, reason, "+", by.pk) for obj in objects),
    )
