"""Celery tasks of the complaints app: thin wrappers over complaints.deadlines."""

from celery import shared_task

from complaints import deadlines


@shared_task
def sweep_reply_deadlines() -> dict[str, int]:
    """Beat: warn before reply deadlines, escalate after them (R-CMP-03)."""
    return deadlines.sweep()
