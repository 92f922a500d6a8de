"""Settings from the environment: the embedded default with nothing set, and a clear message
naming the variable when one is wrong."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "channels": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "storage": settings.STORAGES["default"]["BACKEND"],
    "debug": settings.DEBUG,
    "demo_tools": settings.DEMO_TOOLS,
    "language": settings.LANGUAGE_CODE,
    "tz": settings.TIME_ZONE,
    "port": settings.PORT,
}))
"""


def run_with_env(code: str, **env: str) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "onboarding.settings.demo"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**base, **env},
    )


def test_with_nothing_set_the_demo_runs_embedded():
    result = run_with_env(PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "engine": "django.db.backends.sqlite3",
        "channels": "channels.layers.InMemoryChannelLayer",
        "eager": True,
        "broker": "memory://localhost/",
        "storage": "django.core.files.storage.FileSystemStorage",
        # the demo shows the product's own error pages; its helpers hang on DEMO_TOOLS
        "debug": False,
        "demo_tools": True,
        "language": "zh-hans",
        "tz": "Asia/Shanghai",
        "port": 8000,
    }


HAND_OVER_A_TASK = """
import django
django.setup()
from onboarding.celery import app
with app.producer_or_acquire() as producer:  # what an eager task's delay() does first
    print(producer.connection.as_uri())
"""


def test_the_embedded_broker_hands_tasks_over_without_a_warning():
    # kombu warned "No hostname was supplied" at every task the demo ran (memory:// has none)
    result = run_with_env(HAND_OVER_A_TASK)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("memory://")
    assert "WARNING" not in result.stderr, result.stderr


def test_redis_url_switches_channels_and_celery_to_redis():
    result = run_with_env(
        PRINT_SETTINGS, REDIS_URL="redis://127.0.0.1:6379/3", DATABASE_URL="postgres://u@db:5432/x"
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["channels"] == "channels_redis.core.RedisChannelLayer"
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/3"


PRINT_DATABASE = """
import json, os, django
if os.environ.get("AS_WEB_SERVER"):
    import onboarding.asgi  # noqa: F401 (what uvicorn imports)
django.setup()
from django.conf import settings
database = settings.DATABASES["default"]
print(json.dumps({
    "pool": database.get("OPTIONS", {}).get("pool"),
    "age": database["CONN_MAX_AGE"],
    "checks": database["CONN_HEALTH_CHECKS"],
}))
"""


@pytest.mark.parametrize("module", ["demo", "production"])
def test_the_web_server_pools_its_postgresql_connections_and_the_rest_keep_theirs(module):
    # one thread per request under ASGI: a kept connection would never be reused
    production = {
        "SECRET_KEY": "x" * 50,
        "DATA_ENCRYPTION_KEY": "ZGVtby1vbmx5LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24=",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "ALLOWED_HOSTS": "kaihu.example.com",
        "SMS_BACKEND": "log",
        "SECURE_SSL_REDIRECT": "false",
    }
    env = {
        "DATABASE_URL": "postgres://u@db:5432/x",
        "DJANGO_SETTINGS_MODULE": f"onboarding.settings.{module}",
        **(production if module == "production" else {}),
    }
    web = run_with_env(PRINT_DATABASE, AS_WEB_SERVER="1", **env)
    assert web.returncode == 0, web.stderr
    pooled = json.loads(web.stdout.strip().splitlines()[-1])
    assert pooled == {
        "pool": {"min_size": 2, "max_size": 20, "timeout": 30},
        "age": 0,
        "checks": True,
    }
    other = run_with_env(PRINT_DATABASE, **env)  # Celery, commands
    kept = json.loads(other.stdout.strip().splitlines()[-1])
    assert kept["pool"] is None
    assert kept["age"] == (60 if module == "production" else 0)


def test_the_redis_channel_layer_reads_for_longer_than_it_blocks():
    # given the channel layer as production configures it (and its connection pool)
    from channels_redis.core import RedisChannelLayer
    from channels_redis.utils import create_pool

    from onboarding.settings.base import channel_layer_host

    layer = RedisChannelLayer(hosts=[channel_layer_host("redis://127.0.0.1:6379/3")])

    # when its connections are made
    pool = create_pool(layer.hosts[0])

    # then a socket waiting the whole BZPOPMIN for its next message is not cut off by a read
    # timeout (redis-py's default of 5 s equals the wait: idle consumers died under load)
    assert pool.connection_kwargs["socket_timeout"] > 2 * layer.brpop_timeout
    assert pool.connection_kwargs["db"] == 3


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PORT", "eighty"),
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "nonsense://somewhere"),
        ("MEDIA_STORAGE", "ftp"),
        # a TURN relay needs its shared secret
        ("WITNESS_TURN_URLS", "turn:turn.example.test:3478"),
        ("WITNESS_TURN_TTL_SECONDS", "10"),
        ("WITNESS_REMINDER_MINUTES", "soon"),
    ],
)
def test_a_wrong_variable_stops_start_up_with_its_name(variable, value):
    result = run_with_env(PRINT_SETTINGS, **{variable: value})
    assert result.returncode != 0
    assert variable in result.stderr.strip().splitlines()[-1]


def test_a_malformed_encryption_key_is_refused_with_its_name():
    code = "import django; django.setup(); from privacy.crypto import check_keys; check_keys()"
    result = run_with_env(code, DATA_ENCRYPTION_KEY="not-a-fernet-key")
    assert result.returncode != 0
    assert "DATA_ENCRYPTION_KEY" in result.stderr.strip().splitlines()[-1]
