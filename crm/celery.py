"""The Celery app. Tasks are thin wrappers that take primary keys and call a service."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

app = Celery("snowball")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
