"""This app's Celery beat entries, merged into settings.CELERY_BEAT_SCHEDULE.

Plain data only (no model imports): settings.py imports this module.
"""

from datetime import timedelta

BEAT: dict = {
    "archives-purge-stale-imports": {
        "task": "archives.tasks.purge_stale_imports",
        "schedule": timedelta(hours=1),
    },
}
