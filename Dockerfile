# syntax=docker/dockerfile:1
#
# The production image of the futures onboarding platform. One image runs every role of
# docker-compose.yml: the ASGI server (uvicorn: HTTP and websockets), the Celery worker and beat,
# and the one-shot `manage.py migrate`. Settings come from the environment (deploy/env.example).
#
#   docker build -t futures-onboarding .
#   docker run --env-file .env -p 8000:8000 futures-onboarding

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- Python dependencies: only the lock files, so this layer is rebuilt only when they change --
FROM ${PYTHON_IMAGE} AS python-deps

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

COPY requirements/install.sh requirements/bootstrap.txt requirements/build.txt \
     requirements/base.txt /tmp/requirements/
# Every package is pinned with its hashes. install.sh first installs the pinned installer of
# bootstrap.txt with the image's own pip, then the locks with it: the stock pip would resolve an
# extra (fonttools[woff]) to the newest upstream release instead of the lock's. build.txt brings
# hatchling, the project's build backend, for the editable install of the next stage.
RUN python -m venv /opt/venv \
 && /tmp/requirements/install.sh /opt/venv /tmp/requirements/build.txt /tmp/requirements/base.txt

# --- runtime -------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=onboarding.settings.production \
    PORT=8000 \
    STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/var/lib/onboarding/media

# weasyprint renders the agreements through Pango; libharfbuzz-subset0 makes it subset the CJK
# fonts with HarfBuzz (about 1 s for a 12-page agreement instead of 20 s with fontTools). The
# Noto CJK fonts are embedded in every PDF. poppler-utils (pdfsig, pdffonts) and libnss3-tools
# (certutil) check signed PDFs. The fontconfig cache is built here, not in the first request.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-noto-cjk \
        poppler-utils \
        libnss3-tools \
 && rm -rf /var/lib/apt/lists/* \
 && fc-cache -f

# A system user without a shell or a login; uid/gid 10001 so that bind mounts can be chowned.
# The directories the volumes mount on belong to it (a new named volume copies the ownership).
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app \
 && install -d -o app -g app -m 0750 /var/lib/onboarding /var/lib/onboarding/media \
        /var/lib/celery

COPY --from=python-deps /opt/venv /opt/venv

WORKDIR /app
COPY . /app

# The editable install puts /app and /app/platform on the import path (a .pth file), exactly as
# in development: `platform/` stays a folder, never a package. The source stays owned by root,
# read-only for the app user.
RUN pip install --no-deps --no-build-isolation -e . \
 && python -m compileall -q /app

# Translations are compiled and static files collected with the production settings, so that
# whitenoise's manifest exists for the hashed names production serves. The exported values are
# throwaway placeholders that only let the production settings load: neither command connects
# to the database or Redis, and nothing here stays in the image (RUN-scoped, not ENV). gettext
# is needed for msgfmt only, and leaves with the same layer.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && export SECRET_KEY="build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
 && export DATA_ENCRYPTION_KEY="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
 && export DATABASE_URL=postgres://build@127.0.0.1:1/build REDIS_URL=redis://127.0.0.1:1/0 \
 && export ALLOWED_HOSTS=localhost SMS_BACKEND=log \
 && python manage.py compilemessages \
 && python manage.py collectstatic --noinput \
 && apt-get purge -y --auto-remove gettext \
 && rm -rf /var/lib/apt/lists/*

USER app

EXPOSE 8000

# /healthz answers 200 when the database, Redis and the broker answer. deploy/healthcheck.py
# sends a Host header that ALLOWED_HOSTS accepts. (docker-compose.yml gives the worker, beat and
# migrate services their own health checks.)
HEALTHCHECK --interval=30s --timeout=10s --start-period=40s --retries=3 \
    CMD ["python", "/app/deploy/healthcheck.py"]

# A shell only to expand ${PORT}; exec hands PID 1 to uvicorn so that it gets SIGTERM. HTTPS ends
# at the load balancer: list its addresses in TRUSTED_PROXIES so that X-Forwarded-For/-Proto
# are believed from it alone (the edge, onboarding/edge.py, reads them; uvicorn's own proxy
# handling is off). The options are those of `make demo` (common/serving.py).
CMD ["sh", "-c", "exec uvicorn onboarding.asgi:application --host 0.0.0.0 --port \"${PORT:-8000}\" --no-proxy-headers --no-access-log --no-server-header --lifespan off --timeout-keep-alive 5 --ws-max-size 1048576"]
