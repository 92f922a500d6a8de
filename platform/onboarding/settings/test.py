"""Tests: the demo defaults, made fast. DATABASE_URL / REDIS_URL, when set, point the suite at the
real PostgreSQL and Redis (CI does); otherwise SQLite and in-memory layers."""

import os

from .demo import *  # noqa: F403
from .env import BASE_DIR

DEBUG = False
# The demo's helpers are tested where they are the subject (tests/sms, tests/themes).
DEMO_TOOLS = False
if not os.environ.get("DATABASE_URL"):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
# Unit tests never need a broker: integration tests start their own worker and set the app up.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://localhost/"
CELERY_RESULT_BACKEND = None
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions as production keeps them (through the cache, common/sessions.py): one process here
SESSION_ENGINE = "common.sessions"
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
SMS_BACKEND = "outbox"
# The second factor is tested where it is the subject (tests/staff/test_second_factor.py).
STAFF_OTP_REQUIRED = False
# One cache for the whole run: API rates high enough that no test meets them by accident (the
# throttling tests set their own).
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        **dict.fromkeys(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/min"),  # noqa: F405
        "verify": "100000/hour",
    },
}
