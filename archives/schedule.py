"""This app's Celery beat entries, merged into settings.CELERY_BEAT_SCHEDULE.

Plain data only (no model imports): settings.py imports this module.
"""

from datetime import timedelta

from celery.schedules import crontab

BEAT: dict = {
    "archives-purge-stale-imports": {
        "task": "archives.tasks.purge_stale_imports",
        "schedule": timedelta(hours=1),
    },
    # Access already ends at the expiry (the rule counts only live grants); the sweep records
    # it, deletes the guardian rows and tells the requester.
    "archives-end-expired-grants": {
        "task": "archives.access.tasks.end_expired_grants",
        "schedule": timedelta(minutes=5),
    },
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
