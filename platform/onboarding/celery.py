"""The Celery app: Redis as broker in production, tasks run inline in the demo (settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onboarding.settings.demo")

app = Celery("onboarding")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
