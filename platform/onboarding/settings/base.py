"""Settings shared by every environment. Each value that varies comes from the environment
(see README, "Configuration"); demo, production and test settings only change the defaults and
the rules."""

from __future__ import annotations

import warnings

from django.core.exceptions import ImproperlyConfigured

from .env import BASE_DIR, database, env, parsed, proxy_list, strict_bool

# django-fsm 3.0 warns on import that its successor is viewflow.fsm; DESIGN.md fixes django-fsm 3.
warnings.filterwarnings("ignore", message="The 'django-fsm' package", category=UserWarning)

DEBUG = parsed("DEBUG", strict_bool, False)
# The demo's own helpers (the SMS outbox page, media served by Django): demo settings only.
DEMO_TOOLS = False
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = parsed("ALLOWED_HOSTS", env.list, ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = parsed("CSRF_TRUSTED_ORIGINS", env.list, [])
# A form from an expired page: the themed Chinese 403 that says what to do (common/errors.py).
CSRF_FAILURE_VIEW = "common.errors.csrf_failure"
PORT = parsed("PORT", env.int, 8000)
# The investor flow, the consoles and the signing pages need a secure context (camera,
# microphone, WebCrypto): production is served over HTTPS behind the load balancer.
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{PORT}")

INSTALLED_APPS = [
    "daphne",
    # base apps
    "privacy",
    "audit",
    "staff",
    "sms",
    "clients",
    "api",
    "photos",
    # content, themes and the engine
    "themes",
    "content",
    "flows",
    # capabilities
    "video",
    "signing",
    "revisit",
    # after the capabilities: it publishes the events they declare (signing's certificate.issued)
    "webhooks",
    "fixtures",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # third parties
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_fsm",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "channels",
    "captcha",
    "storages",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Wagtail's admin says "3 minutes ago" with humanize's naturaltime: its catalogue (Chinese)
    # loads only with the app installed.
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "onboarding.headers.ContentSecurityPolicyMiddleware",
    # outside the session middleware: it sees the Vary: Cookie that one adds
    "onboarding.headers.NoStoreForPeopleMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "staff.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "common.middleware.ServiceUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "onboarding.urls"
ASGI_APPLICATION = "onboarding.asgi.application"
WSGI_APPLICATION = "onboarding.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Django's form renderer, with its plain inputs written in Python (same HTML, far less time)
FORM_RENDERER = "common.rendering.InputsRenderer"

# --- data -------------------------------------------------------------------------------------
DATABASES = {"default": database(f"sqlite:///{BASE_DIR / 'var' / 'demo.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default under concurrent requests: write-ahead logging, a wait for the lock
    # rather than "database is locked", and transactions that take the write lock when they
    # begin (a read-then-write transaction cannot deadlock with another).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")


def channel_layer_host(url: str) -> dict:
    """channels-redis waits for a socket's next message with BZPOPMIN for up to 5 s, and redis-py
    gives up reading after 5 s by default: under load the reply came late, the read timed out
    ("Timeout reading from ...") and the consumer, so the investor's socket, died. The read
    timeout is set well above the wait."""
    return {"address": url, "socket_connect_timeout": 2, "socket_timeout": 30}


if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "common.cache.RedisCache",  # connections kept across requests
            "LOCATION": REDIS_URL,
            # a Redis that is down costs a request two seconds, not a hang
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Sessions read through the shared cache, kept in the database (common/sessions.py): every
    # page of a logged-in investor or staff member reads its session, and the cache saves that
    # query. Only with a cache every process shares: a logout in one process ends it in all.
    SESSION_ENGINE = "common.sessions"
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [channel_layer_host(REDIS_URL)]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery: Redis as broker when REDIS_URL is set; tasks run inline otherwise -------------
# (the in-memory broker with a host: without one kombu warns at every task the demo runs)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_BEAT_SCHEDULE = {
    "signing-purge": {"task": "signing.tasks.signing_purge", "schedule": 3600.0},
    "events-sweep": {"task": "flows.tasks.events_sweep", "schedule": 60.0},
    "audit-seal": {"task": "audit.tasks.audit_seal_pending", "schedule": 300.0},
    "sms-redrive": {"task": "sms.tasks.sms_redrive_waiting", "schedule": 60.0},
    "webhooks-sweep": {"task": "webhooks.tasks.webhooks_sweep", "schedule": 60.0},
    "witness-queue-sweep": {"task": "video.tasks.witness_queue_sweep", "schedule": 15.0},
    "witness-sessions-expire": {"task": "video.tasks.witness_sessions_expire", "schedule": 60.0},
    "api-records-purge": {"task": "api.tasks.api_records_purge", "schedule": 3600.0},
    "witness-appointment-reminders": {
        "task": "video.tasks.witness_appointment_reminders",
        "schedule": 60.0,
    },
}
CELERY_TASK_ALWAYS_EAGER = parsed("CELERY_TASK_ALWAYS_EAGER", strict_bool, not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
# A request that hands work to a broker that is down waits about a second, not a minute: the work
# is in the database already and a beat task queues it again (sms_redrive).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# --- files --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = parsed("STATIC_ROOT", env.path, BASE_DIR / "var" / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = parsed("MEDIA_ROOT", env.path, BASE_DIR / "var" / "media")
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
STORAGES = {
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if MEDIA_STORAGE == "local":
    STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    # S3-compatible object storage (MinIO, OSS, COS, S3): credentials through the usual
    # AWS_* variables read by django-storages.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME", default=""),
            # unset and empty both mean "the provider's default"
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"环境变量 MEDIA_STORAGE 的值无效 / MEDIA_STORAGE must be 'local' or 's3', "
        f"not {MEDIA_STORAGE!r}"
    )
# Form fields other than files (Django's own check, after the edge's).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- the edge (onboarding/edge.py): before Django reads a byte ------------------------------
# Proxies whose X-Forwarded-For / -Proto are believed: addresses or CIDR blocks, comma-separated
# (the load balancer's). Empty: the peer's address is the client's, forwarded headers dropped.
TRUSTED_PROXIES = parsed("TRUSTED_PROXIES", proxy_list, [])
MIB = 1024 * 1024
# Request body ceilings, by path (the first that matches); everything else gets the default.
REQUEST_BODY_DEFAULT_LIMIT = 1 * MIB
REQUEST_BODY_LIMITS = [
    # a step form: three ID photos of at most 20 MB (photos), or score reports of 10 MB each
    {"path": r"^/business/[^/]+/[^/]+/$", "max_bytes": 64 * MIB, "needs_session": True},
    # the same through the API: photos, and score reports with the exchanges' selection
    {
        "path": r"^/api/v1/applications/[^/]+/steps/(photos|exchanges)/$",
        "max_bytes": 64 * MIB,
        "needs_credentials": True,
    },
    # a PDF of at most 30 MB to verify (public page and API)
    {"path": r"^/signing/verify/$", "max_bytes": 31 * MIB},
    {"path": r"^/api/v1/signatures/verify/$", "max_bytes": 31 * MIB},
    {"path": r"^/signing/tsa/$", "max_bytes": 8 * 1024},
    # a still of the witness call (at most 2 MB)
    {
        "path": r"^/console/witness/session/\d+/snapshot/$",
        "max_bytes": 3 * MIB,
        "needs_session": True,
    },
    # the CMS: .docx / HTML imports (10 MB), images and documents
    {"path": r"^/cms/", "max_bytes": 32 * MIB, "needs_session": True},
]

# --- personal data ----------------------------------------------------------------------------
# Fernet keys (comma-separated, newest first): the first encrypts, all decrypt, so keys rotate.
DATA_ENCRYPTION_KEYS = parsed("DATA_ENCRYPTION_KEY", env.list, [])

# ID photos: how many are judged at once per process (each holds up to ~200 MB of pixels while
# it is judged: docs/security.md), and how long an upload waits for a turn before it is told the
# system is busy (rather than piling up).
PHOTO_JUDGING_CONCURRENCY = parsed("PHOTO_JUDGING_CONCURRENCY", env.int, 2)
PHOTO_JUDGING_WAIT_SECONDS = parsed("PHOTO_JUDGING_WAIT_SECONDS", env.int, 20)
# The online knowledge test (在线测试入口) is an option of the flow's exchanges step, in the CMS.
# The video witness: how long a dropped investor keeps their place in the queue; the STUN/TURN
# servers given to the browsers (JSON, RTCIceServer objects). None by default: the call uses
# host candidates only (a LAN or loopback), and nothing outside is contacted.
WITNESS_DROPPED_GRACE_SECONDS = parsed("WITNESS_DROPPED_GRACE_SECONDS", env.int, 60)
WITNESS_ICE_SERVERS = parsed("WITNESS_ICE_SERVERS", env.json, [])
# A TURN relay (coturn with use-auth-secret): its URLs and shared secret (docker-compose passes
# its TURN_SECRET); no URLs, no relay. Each end of a call gets its own credentials when it joins,
# valid this long: keep it above WITNESS_MAX_SESSION_MINUTES (coturn refuses an expired one).
WITNESS_TURN_URLS = parsed("WITNESS_TURN_URLS", env.list, [])
WITNESS_TURN_SECRET = env.str("WITNESS_TURN_SECRET", default="")
WITNESS_TURN_TTL_SECONDS = parsed("WITNESS_TURN_TTL_SECONDS", env.int, 3600)
if WITNESS_TURN_URLS and not WITNESS_TURN_SECRET:
    raise ImproperlyConfigured(
        "设置 WITNESS_TURN_URLS 时须同时设置 WITNESS_TURN_SECRET / "
        "WITNESS_TURN_URLS needs WITNESS_TURN_SECRET (coturn's static-auth-secret)"
    )
if WITNESS_TURN_TTL_SECONDS < 60:
    raise ImproperlyConfigured(
        "环境变量 WITNESS_TURN_TTL_SECONDS 至少为 60 / WITNESS_TURN_TTL_SECONDS must be at least 60"
    )
# Appointments: the length of a slot of the branch's witness hours.
WITNESS_SLOT_MINUTES = parsed("WITNESS_SLOT_MINUTES", env.int, 30)
# Appointments: the SMS reminder goes this many minutes before the slot starts (beat, 60 s).
WITNESS_REMINDER_MINUTES = parsed("WITNESS_REMINDER_MINUTES", env.int, 30)
# A witness session longer than this is ended by the sweep (the investor queues again, first).
WITNESS_MAX_SESSION_MINUTES = parsed("WITNESS_MAX_SESSION_MINUTES", env.int, 30)
# A suitability assessment done in the flow is valid this many days.
SUITABILITY_VALID_DAYS = parsed("SUITABILITY_VALID_DAYS", env.int, 3 * 365)

# Digital certificates and signing (signing/, docs/signing.md).
SIGNING_CERTIFICATE_DAYS = parsed("SIGNING_CERTIFICATE_DAYS", env.int, 365)
SIGNING_CHALLENGE_SECONDS = parsed("SIGNING_CHALLENGE_SECONDS", env.int, 300)
SIGNING_REQUEST_SECONDS = parsed("SIGNING_REQUEST_SECONDS", env.int, 600)
# Another RFC 3161 TSA to timestamp with; empty: the company's own (/signing/tsa/), in-process.
SIGNING_TSA_URL = env.str("SIGNING_TSA_URL", default="")
# Company keys in a PKCS#11 token instead of the database: all three set, or none.
SIGNING_PKCS11 = {
    "module": env.str("SIGNING_PKCS11_MODULE", default=""),
    "token": env.str("SIGNING_PKCS11_TOKEN", default=""),
    "pin": env.str("SIGNING_PKCS11_PIN", default=""),
}
SIGNING_PKCS11 = SIGNING_PKCS11 if SIGNING_PKCS11["module"] else None
# The font whose outlines draw the captions of the visible signatures (the signing time) and the
# default seal's lettering: a CJK OpenType font file and the face's index in a collection
# (2: Simplified Chinese in Debian's fonts-noto-cjk collections).
SIGNING_APPEARANCE_FONT = env.str(
    "SIGNING_APPEARANCE_FONT", default="/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
)
SIGNING_APPEARANCE_FONT_INDEX = parsed("SIGNING_APPEARANCE_FONT_INDEX", env.int, 2)
SIGNING_SEAL_FONT = env.str(
    "SIGNING_SEAL_FONT", default="/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
)

# --- SMS --------------------------------------------------------------------------------------
# "outbox": kept in the database and shown on /dev/sms/ (DEMO_TOOLS only); "log": written to the
# log with the number masked; a dotted path: a gateway class of the company's provider.
SMS_BACKEND = env.str("SMS_BACKEND", default="outbox")
# "http": a template-based provider (Alibaba Cloud's SendSms and the APIs built like it): the
# endpoint, the access key, the signature name, and a template id per purpose, e.g.
# SMS_HTTP_TEMPLATES=login_code:SMS_100,application_submitted:SMS_101,application_approved:SMS_102
SMS_HTTP = {
    "url": env.str("SMS_HTTP_URL", default=""),
    "access_key_id": env.str("SMS_HTTP_ACCESS_KEY_ID", default=""),
    "access_key_secret": env.str("SMS_HTTP_ACCESS_KEY_SECRET", default=""),
    "sign_name": env.str("SMS_HTTP_SIGN_NAME", default=""),
    "templates": env.dict("SMS_HTTP_TEMPLATES", default={}),
    "timeout": parsed("SMS_HTTP_TIMEOUT", env.float, 5.0),
}

# --- webhooks to integrators (docs/webhooks.md) ---------------------------------------------
# Plain http and private/loopback/link-local receivers are refused unless allowed here (SSRF):
# allow them for a receiver on the company's own network, or local development.
WEBHOOKS_ALLOW_HTTP = parsed("WEBHOOKS_ALLOW_HTTP", strict_bool, False)
WEBHOOKS_ALLOW_PRIVATE_NETWORKS = parsed("WEBHOOKS_ALLOW_PRIVATE_NETWORKS", strict_bool, False)
# Seconds per attempt (connect and answer), and attempts before a delivery is marked failed.
WEBHOOKS_TIMEOUT = parsed("WEBHOOKS_TIMEOUT", env.float, 10.0)
WEBHOOKS_MAX_ATTEMPTS = parsed("WEBHOOKS_MAX_ATTEMPTS", env.int, 8)

# --- auth -------------------------------------------------------------------------------------
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
# After the investor's ID + SMS login: flows decides between "my business" and a new business.
INVESTOR_LOGIN_REDIRECT_URL = "flows:enter"
# The CMS signs in through the staff login (its limits and second factor), never its own form.
WAGTAILADMIN_LOGIN_URL = "staff:login"
# No self-service password reset by e-mail: it would bypass the login limits, and the company's
# administrators set staff passwords (and reset the second factor) themselves.
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Staff need a TOTP code after the password (staff/otp.py); the test settings turn it off for
# the tests that are not about it.
STAFF_OTP_REQUIRED = parsed("STAFF_OTP_REQUIRED", strict_bool, True)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="期货开户平台")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = 60 * 60 * 8
# The policy itself is chosen per path in onboarding/headers.py.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {}}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# --- language and time ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Wagtail ----------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "期货开户平台"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "txt"]
# The admin must not call out to the internet (update check, "what's new" banner).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Four eyes: the last approval of a review publishes exactly the reviewed revision, or takes
# the item offline for a withdrawal request (content.approval).
WAGTAIL_FINISH_WORKFLOW_ACTION = "content.workflow_finish.finish_reviewed_workflow"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "staff.authentication.IntegratorKeyAuthentication",
        "api.authentication.InvestorTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["staff.permissions.IsIntegrator"],
    # One error shape for every failure: {"code", "message", "fields"} (api.errors).
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # Cursor pagination (stable while rows are added); endpoints on api.base use it too.
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiCursorPagination",
    "PAGE_SIZE": 20,
    # Every endpoint is throttled: per integrator, per address for anonymous callers (the
    # schema and docs), and the costly signature check on a scope of its own. Endpoints on
    # api.base count per integrator key (`api_key`), per investor (`investor`, over all their
    # tokens) and per staff account (`staff`) instead of `user` (api.throttles).
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_RATE_USER", default="120/min"),
        "anon": env.str("API_RATE_ANON", default="30/min"),
        "verify": "60/hour",
        "api_key": env.str("API_RATE_KEY", default="600/min"),
        "investor": env.str("API_RATE_INVESTOR", default="120/min"),
        "staff": env.str("API_RATE_STAFF", default="300/min"),
        # the SMS login over the API, on top of the login's own limits (clients.services)
        "investor_login": env.str("API_RATE_INVESTOR_LOGIN", default="30/min"),
    },
    # REMOTE_ADDR is already the client's (the edge resolves trusted proxies): never read
    # X-Forwarded-For here.
    "NUM_PROXIES": 0,
}
# How long an investor token (POST /api/v1/auth/token/) is good for: short, like a session.
API_INVESTOR_TOKEN_TTL_SECONDS = env.int("API_INVESTOR_TOKEN_TTL_SECONDS", default=30 * 60)
SPECTACULAR_SETTINGS = {
    "TITLE": "期货开户平台 API",
    "DESCRIPTION": "增开交易编码等业务的对接接口 (integrator API). Authenticate with "
    "`Authorization: Api-Key <key>` (an integrator key, with scopes) or "
    "`Authorization: Bearer <token>` (an investor token). Every error has the shape "
    '`{"code", "message", "fields"}` (component `Error`). POSTs accept an `Idempotency-Key` '
    "header; reads carry an `ETag` and answer 304 to `If-None-Match`.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Only the integrator API: Wagtail's admin API is internal to the CMS.
    "PREPROCESSING_HOOKS": ["onboarding.api.public_endpoints_only"],
    # The error shape once, referred to by every error response; the Idempotency-Key header.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.openapi.errors_and_conventions",
    ],
    # Swagger UI and ReDoc served from our own static files: no page loads anything from outside.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name ("kind", "status") each get their own name in the
    # schema; the step names (many fields) one name, from the registered step kinds.
    "ENUM_NAME_OVERRIDES": {
        "DocumentKindEnum": "content.models.DocumentKind",
        "QuestionnaireKindEnum": "content.models.QuestionnaireKind",
        "QuestionTypeEnum": "content.blocks.QuestionType.CHOICES",
        "AppointmentStatusEnum": "video.models.AppointmentStatus",
        "StepStatusEnum": "flows.apis.serializers.STEP_STATUSES",
        "StepNameEnum": "flows.apis.schema.step_names",
        "HistoryActionEnum": "flows.services.lifecycle.HISTORY_ACTIONS",
    },
}

# --- logging: nothing personal goes into logs -----------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "privacy.logging.RedactPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The ASGI server's own loggers go through the same filter (uvicorn configures them
        # with handlers of its own, which Django's configuration replaces here). Its access log
        # is off: the edge writes one without query strings (onboarding.access).
        "uvicorn": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "uvicorn.error": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "uvicorn.access": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "daphne": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # weasyprint narrates every rendering step at INFO; fontTools its subsetting
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# seed_demo creates accounts with published passwords: only the demo and the tests allow it.
DEMO_DATA_ALLOWED = False
