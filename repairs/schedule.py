"""This app's Celery beat entries, merged into settings.CELERY_BEAT_SCHEDULE.

Plain data only (no model imports): settings.py imports this module.
"""

from datetime import timedelta

BEAT = {
    # Clocks are minutes long (2, 5, 10, 15): a one-minute sweep warns in time.
    "repairs-sweep-clocks": {
        "task": "repairs.tasks.sweep_clocks",
        "schedule": timedelta(minutes=1),
    },
}
