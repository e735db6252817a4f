"""This app's Celery beat entries, merged into settings.CELERY_BEAT_SCHEDULE.

Plain data only (no model imports): settings.py imports this module.
"""

from datetime import timedelta

from celery.schedules import crontab

BEAT = {
    "deliver-pending-sms": {
        "task": "crm.tasks.deliver_pending_sms",
        "schedule": timedelta(minutes=2),
    },
    "warn-missing-work-calendar": {
        "task": "crm.tasks.warn_missing_work_calendar",
        "schedule": crontab(hour=8, minute=0),
    },
}
