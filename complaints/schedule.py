"""This app's Celery beat entries, merged into settings.CELERY_BEAT_SCHEDULE.

Plain data only (no model imports): settings.py imports this module.
"""

from datetime import timedelta

BEAT = {
    # Warn before reply deadlines and escalate after them (R-CMP-03). Short and idempotent:
    # a missed run leaves the rows due for the next one.
    "complaints-reply-deadlines": {
        "task": "complaints.tasks.sweep_reply_deadlines",
        "schedule": timedelta(minutes=5),
    },
}
