"""Production: everything from the environment, and refuse to start on anything unsafe."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env, parsed, require, strict_bool

if parsed("DEBUG", strict_bool, False):
    raise ImproperlyConfigured("DEBUG 不能在生产环境开启 / DEBUG must be off in production.")
DEBUG = False

SECRET_KEY = require("SECRET_KEY", "a long random string, e.g. `openssl rand -base64 48`.")
require(
    "DATA_ENCRYPTION_KEY",
    "the Fernet key(s) that encrypt personal data, newest first, comma-separated; "
    "make one with `python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())'`.",
)
require("DATABASE_URL", "e.g. postgres://user:password@db:5432/onboarding.")
require("REDIS_URL", "e.g. redis://redis:6379/0 (channel layer, cache and Celery broker).")
if not env.list("ALLOWED_HOSTS", default=[]):
    raise ImproperlyConfigured(
        "环境变量 ALLOWED_HOSTS 未设置 / ALLOWED_HOSTS is not set: the host names served, "
        "comma-separated."
    )
if SMS_BACKEND == "outbox":  # noqa: F405
    raise ImproperlyConfigured(
        "SMS_BACKEND=outbox 仅用于演示 / SMS_BACKEND must name a real gateway in production "
        "('log' or the dotted path of a gateway class)."
    )

if "pool" not in DATABASES["default"].get("OPTIONS", {}):  # noqa: F405 (Celery, commands)
    DATABASES["default"]["CONN_MAX_AGE"] = parsed("CONN_MAX_AGE", env.int, 60)  # noqa: F405
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# HTTPS terminates at the load balancer, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = parsed("SECURE_SSL_REDIRECT", strict_bool, True)
if SECURE_SSL_REDIRECT and not TRUSTED_PROXIES:  # noqa: F405
    # Without a trusted proxy, X-Forwarded-Proto is dropped at the edge: every request would
    # look like plain HTTP and be redirected for ever.
    raise ImproperlyConfigured(
        "环境变量 TRUSTED_PROXIES 未设置 / TRUSTED_PROXIES is not set: HTTPS ends at the load "
        "balancer, whose addresses (or CIDR block) must be listed so that its X-Forwarded-Proto "
        "and X-Forwarded-For are believed. If HTTPS reaches this server directly, set "
        "SECURE_SSL_REDIRECT=false."
    )
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = parsed("SECURE_HSTS_SECONDS", env.int, 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
CELERY_TASK_ALWAYS_EAGER = False
