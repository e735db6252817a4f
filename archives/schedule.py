"""This app's Celery beat entries, merged into settings.CELERY_BEAT_SCHEDULE.

Plain data only (no model imports): settings.py imports this module.
"""

from celery.schedules import crontab

BEAT: dict = {
    # Protection period and public pool (R-ARC-08): every 15 minutes it gives new archives
    # their owner period, recalls and warns; a missed run loses nothing, the customers are
    # still due at the next one.
    "archives-sweep-public-pool": {
        "task": "archives.tasks.sweep_public_pool",
        "schedule": crontab(minute="*/15"),
    },
    # Daily registration sheets (R-ARC-10): due by 10:00; checked hourly from 10:05 so a beat
    # that was down at ten catches up.
    "archives-mark-missing-sheets": {
        "task": "archives.tasks.mark_missing_sheets",
        "schedule": crontab(minute=5, hour="10-23"),
    },
}
