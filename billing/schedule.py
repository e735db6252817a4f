"""This app's Celery beat entries, merged into settings.CELERY_BEAT_SCHEDULE.

Plain data only (no model imports): settings.py imports this module.
"""

from datetime import timedelta

from celery.schedules import crontab

BEAT = {
    "billing-arrears-ladder": {
        "task": "billing.tasks.sweep_arrears_ladder",
        "schedule": timedelta(minutes=15),
    },
    "billing-issue-pending-statements": {
        "task": "billing.tasks.issue_pending_statements",
        "schedule": crontab(hour=20, minute=30),
    },
}
