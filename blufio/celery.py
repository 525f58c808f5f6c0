"""The Celery app `blufio`: reads CELERY_* Django settings and finds each app's tasks
(`<app>/tasks.py`, and the inbox's, which is a package of the `blufio` app)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blufio.settings")

app = Celery("blufio")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["blufio.inbox"])
