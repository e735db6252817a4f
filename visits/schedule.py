"""This app's Celery beat entries, merged into settings.CELERY_BEAT_SCHEDULE.

Plain data only (no model imports): settings.py imports this module. The intervals can be
shortened from the environment (the beat test on Redis runs the sweep every few seconds).
"""

import os
from datetime import timedelta

BEAT = {
    "visits-sweep-follow-ups": {
        "task": "visits.tasks.sweep_follow_ups",
        "schedule": timedelta(seconds=int(os.environ.get("VISITS_SWEEP_SECONDS", "300"))),
    },
    "visits-send-greetings": {
        "task": "visits.tasks.send_greetings",
        "schedule": timedelta(seconds=int(os.environ.get("VISITS_GREETING_SECONDS", "900"))),
    },
}
