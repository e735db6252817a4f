"""Queueing Celery tasks safely from services."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args) -> None:
    """Queue a Celery task by name once the current transaction commits.

    Arguments are primary keys and plain values, never model instances or personal data.
    A broker that is down is logged, never raised: the row is saved, and the beat sweep that
    owns it picks it up on its next run.
    """

    def _send():
        from crm.celery import app

        if app.conf.task_always_eager:  # tests: a failing task must fail the test
            if task_name not in app.tasks:
                app.loader.import_default_modules()  # autodiscovery is lazy outside a worker
            app.tasks[task_name].apply(args=args, throw=True)
            return
        try:
            app.send_task(task_name, args=args)
        except Exception:  # kombu raises many kinds; none may break the request
            logger.warning("could not queue %s; the sweep will pick it up", task_name)

    transaction.on_commit(_send)
