"""The Django project: settings, URLs, ASGI, Celery. It wires every app together; no app imports
it."""

from .celery import app as celery_app

__all__ = ["celery_app"]
