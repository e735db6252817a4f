"""This app's Celery beat entries, merged into settings.CELERY_BEAT_SCHEDULE.

Plain data only (no model imports): settings.py imports this module.
"""

from datetime import timedelta

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
}
