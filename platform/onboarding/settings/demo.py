"""The embedded default: what `make demo` serves with nothing set. SQLite, the in-memory channel
layer and inline Celery tasks unless DATABASE_URL / REDIS_URL say otherwise; SMS messages go to
an outbox page (DEMO_TOOLS) so that a person can complete the login.

DEBUG is off unless asked for: the demo shows what production shows (the themed Chinese 404, 403,
400 and 500 pages, never Django's debug pages). Its own helpers (the SMS outbox, media files
served by Django) hang on DEMO_TOOLS instead."""

from .base import *  # noqa: F403
from .env import BASE_DIR, parsed, strict_bool

# The embedded SQLite database, media and collected static files live in var/.
(BASE_DIR / "var").mkdir(exist_ok=True)

DEBUG = parsed("DEBUG", strict_bool, False)
DEMO_TOOLS = True
# Only for the local demo: production refuses to start without its own SECRET_KEY.
SECRET_KEY = SECRET_KEY or "demo-only-insecure-key-do-not-use-in-production"  # noqa: F405, S105
DATA_ENCRYPTION_KEYS = DATA_ENCRYPTION_KEYS or [  # noqa: F405
    # A fixed demo key, so that the demo database stays readable across restarts.
    "ZGVtby1vbmx5LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24="
]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
}
DEMO_DATA_ALLOWED = True
# Static files straight from the apps (WhiteNoise, with DEBUG on or off); `collectstatic` is not
# required.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
