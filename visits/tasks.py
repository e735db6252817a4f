"""Celery tasks of the visits app: thin wrappers around the sweep and the greetings."""

from celery import shared_task

from visits import greetings, sweep


@shared_task
def sweep_follow_ups() -> dict:
    """Beat, every few minutes: notify due calls, escalate overdue ones, release stuck rows."""
    return sweep.sweep().as_dict()


@shared_task
def send_greetings() -> int:
    """Beat, every quarter hour: today's greetings, once, from 08:00."""
    return greetings.run_daily()
