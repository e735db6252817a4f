"""This app's Celery beat entries, merged into settings.CELERY_BEAT_SCHEDULE.

Plain data only (no model imports): settings.py imports this module.
"""

BEAT: dict = {}
