"""Celery tasks of the repairs app: thin wrappers around repairs.sla."""

from celery import shared_task

from repairs import sla


@shared_task
def sweep_clocks() -> tuple[int, int]:
    """Beat, every minute: warn before an SLA clock breaks and report the broken ones."""
    return sla.sweep()
