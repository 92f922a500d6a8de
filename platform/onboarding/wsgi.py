"""WSGI entry point, for tools that need one; the product is served over ASGI (asgi.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onboarding.settings.demo")
application = get_wsgi_application()
