"""The production settings refuse to start on a missing or unsafe configuration, naming the
variable; a complete configuration passes Django's deployment checks, migrates a fresh PostgreSQL
database, and runs the commands and health checks of docker-compose.yml against real services.

Each case runs `manage.py` (or uvicorn, celery) in a subprocess with DJANGO_SETTINGS_MODULE set to
the production settings and an environment built from deploy/env.example: the variables of the
calling shell (DATABASE_URL, ...) never leak in. A variable "missing" is set to the empty string,
so that a developer's .env at the repository root (which the settings read for unset variables
only) cannot fill it in.

The integration tests need DATABASE_URL (postgres://) and REDIS_URL (redis://) naming servers that
answer; they are skipped otherwise. They create a throwaway database on that PostgreSQL server
and drop it afterwards.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml
from cryptography.fernet import Fernet

from .test_compose import IMAGE_WORKDIR, argv_of, healthcheck_commands, interpolate_tree

ROOT = Path(__file__).resolve().parents[2]
MANAGE = ROOT / "manage.py"
ENV_EXAMPLE = ROOT / "deploy" / "env.example"
COMPOSE_FILE = ROOT / "docker-compose.yml"
BIN = Path(sys.executable).parent  # uvicorn and celery of the interpreter running the tests
PRODUCTION_SETTINGS = "onboarding.settings.production"
_ASSIGNMENT = re.compile(r"^\s*(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")


# --- environments ------------------------------------------------------------------------------


def example_variables() -> tuple[dict[str, str], set[str]]:
    """The values deploy/env.example sets, and every variable it mentions (commented out too)."""
    values, mentioned = {}, set()
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if match := _ASSIGNMENT.match(line):
            mentioned.add(match.group(2))
            if not match.group(1):
                values[match.group(2)] = match.group(3).strip()
    return values, mentioned


def secret_key() -> str:
    return secrets.token_urlsafe(64)


def fernet_key() -> str:
    return Fernet.generate_key().decode()


def production_env(**overrides: str | None) -> dict[str, str]:
    """A complete production environment: deploy/env.example with its secrets filled in and
    database and Redis URLs that nothing connects to (`check` without --database does not).
    An override of None removes the variable."""
    values, mentioned = example_variables()
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in mentioned and name != "DJANGO_SETTINGS_MODULE"
    }
    env.update(values)
    env.update(
        DJANGO_SETTINGS_MODULE=PRODUCTION_SETTINGS,
        SECRET_KEY=secret_key(),
        DATA_ENCRYPTION_KEY=fernet_key(),
        DATABASE_URL="postgres://onboarding:unused@127.0.0.1:1/onboarding",
        REDIS_URL="redis://127.0.0.1:1/0",
        ALLOWED_HOSTS="onboarding.example.com",
        SMS_BACKEND="log",
        PYTHONIOENCODING="utf-8",
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_manage(*args: str, env: Mapping[str, str], timeout: float = 300):
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )


def final_error(stderr: str) -> str:
    """The last line of a traceback: `module.Error: message`."""
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def output(result) -> str:
    return f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


# --- (a) the production settings refuse an unsafe configuration ------------------------------


def test_production_starts_with_a_complete_configuration():
    result = run_manage("check", env=production_env())
    assert result.returncode == 0, output(result)


REFUSALS = [
    pytest.param({"SECRET_KEY": ""}, "SECRET_KEY", id="without-secret-key"),
    pytest.param({"DATA_ENCRYPTION_KEY": ""}, "DATA_ENCRYPTION_KEY", id="without-data-key"),
    pytest.param(
        {"DATA_ENCRYPTION_KEY": "not-a-fernet-key"},
        "DATA_ENCRYPTION_KEY",
        id="with-a-data-key-that-is-no-fernet-key",
    ),
    pytest.param({"DEBUG": "true"}, "DEBUG", id="with-debug-on"),
    pytest.param({"DATABASE_URL": ""}, "DATABASE_URL", id="without-database-url"),
    pytest.param(
        {"DATABASE_URL": "nonsense://x"}, "DATABASE_URL", id="with-a-malformed-database-url"
    ),
    pytest.param({"REDIS_URL": ""}, "REDIS_URL", id="without-redis-url"),
    pytest.param({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS", id="without-allowed-hosts"),
    pytest.param({"SMS_BACKEND": "outbox"}, "SMS_BACKEND", id="with-the-demo-sms-outbox"),
    pytest.param({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE", id="with-an-unknown-media-storage"),
    pytest.param({"TRUSTED_PROXIES": ""}, "TRUSTED_PROXIES", id="https-without-a-trusted-proxy"),
    pytest.param(
        {"TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"},
        "TRUSTED_PROXIES",
        id="with-a-trusted-proxy-that-is-no-address",
    ),
]


@pytest.mark.parametrize(("overrides", "variable"), REFUSALS)
def test_production_refuses_to_start(overrides, variable):
    result = run_manage("check", env=production_env(**overrides))
    assert result.returncode != 0, f"production started with {overrides}\n{output(result)}"
    error = final_error(result.stderr)
    assert "ImproperlyConfigured" in error, f"not a configuration error:\n{output(result)}"
    assert variable in error, f"the error does not name {variable}: {error}"


# --- (b) integration: real PostgreSQL and Redis ----------------------------------------------


@dataclass(frozen=True)
class Services:
    database_url: str
    redis_url: str


def _unreachable(url: str, default_port: int) -> str | None:
    parts = urlsplit(url)
    host, port = parts.hostname or "localhost", parts.port or default_port
    try:
        with socket.create_connection((host, port), timeout=2):
            return None
    except OSError as error:
        return f"{host}:{port} does not answer ({error})"


@pytest.fixture(scope="module")
def services() -> Services:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        pytest.skip("set DATABASE_URL to a postgres:// URL to run the deployment integration tests")
    if not redis_url.startswith(("redis://", "rediss://")):
        pytest.skip("set REDIS_URL to a redis:// URL to run the deployment integration tests")
    for url, port in ((database_url, 5432), (redis_url, 6379)):
        if reason := _unreachable(url, port):
            pytest.skip(f"{url.split('://')[0]} server of the environment: {reason}")
    return Services(database_url, redis_url)


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def deploy_env(services: Services) -> Iterator[dict[str, str]]:
    """Production settings on a throwaway database of the environment's PostgreSQL server."""
    import psycopg
    from psycopg import sql

    name = f"onboarding_deploycheck_{secrets.token_hex(4)}"
    with psycopg.connect(services.database_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield production_env(
            DATABASE_URL=_with_database(services.database_url, name),
            REDIS_URL=services.redis_url,
        )
    finally:
        with psycopg.connect(services.database_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="module")
def migrated_env(deploy_env: dict[str, str]) -> dict[str, str]:
    result = run_manage("migrate", "--noinput", env=deploy_env, timeout=600)
    assert result.returncode == 0, f"migrate failed\n{output(result)}"
    return deploy_env


@pytest.mark.integration
def test_production_migrates_a_fresh_postgresql_database(migrated_env):
    result = run_manage("migrate", "--check", env=migrated_env)
    assert result.returncode == 0, f"migrations left unapplied\n{output(result)}"


@pytest.mark.integration
def test_production_passes_the_deployment_checks_without_warnings(deploy_env):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", "--database", "default", env=deploy_env
    )
    assert result.returncode == 0, output(result)
    assert "System check identified no issues" in result.stdout, output(result)


# --- integration: the commands and health checks of docker-compose.yml ---------------------------


def compose_service(name: str, env: Mapping[str, str]) -> tuple[list[str], list[list[str]]]:
    """A service's command and health check commands, interpolated with this environment."""
    service = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))["services"][name]
    command = argv_of(interpolate_tree(service["command"], env))
    test = interpolate_tree(service["healthcheck"]["test"], env)
    if test[0] == "CMD-SHELL":
        return command, [["sh", "-c", " ".join(test[1:])]]
    return command, healthcheck_commands(test)


def local_argv(argv: list[str]) -> list[str]:
    """A command of the image, run from the checkout: /app is the repository, programs are the
    test interpreter's."""
    program, *args = argv
    if program in {"python", "python3"}:
        program = sys.executable
    elif (BIN / program).exists():
        program = str(BIN / program)
    image_root = f"{IMAGE_WORKDIR}/"
    return [
        program,
        *(
            str(ROOT / arg.removeprefix(image_root)) if arg.startswith(image_root) else arg
            for arg in args
        ),
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    """Processes a test starts; each is stopped (its own process group) at the end."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def start(argv: list[str], env: Mapping[str, str], log: Path, started: list) -> subprocess.Popen:
    with log.open("w", encoding="utf-8") as handle:  # the child keeps its own descriptor
        process = subprocess.Popen(
            local_argv(argv),
            cwd=ROOT,
            env=dict(env),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    started.append(process)
    return process


def wait_healthy(check: list[str], env: Mapping[str, str], process, log: Path, within: float):
    """Run a health check until it passes; fail with the service's log if it never does."""
    deadline = time.monotonic() + within
    while True:
        result = subprocess.run(
            check, cwd=ROOT, env=dict(env), capture_output=True, text=True, timeout=60, check=False
        )
        if result.returncode == 0:
            return
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(
                f"health check {check} never passed (service exit code {process.poll()})\n"
                f"--- check\n{result.stdout}{result.stderr}\n--- service\n{log.read_text()}"
            )
        time.sleep(1)


@pytest.fixture
def service_env(migrated_env: dict[str, str]) -> dict[str, str]:
    """The container's environment: production settings on the throwaway database, the test
    interpreter's programs first on PATH, HOSTNAME set as Docker sets it."""
    return {
        **migrated_env,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOSTNAME": socket.gethostname(),
        "PORT": str(free_port()),
    }


@pytest.mark.integration
def test_web_health_check_passes_on_uvicorn_with_production_settings(
    service_env, processes, tmp_path
):
    command, checks = compose_service("web", service_env)
    command[command.index("--host") + 1] = "127.0.0.1"  # the container's 0.0.0.0, kept local here
    log = tmp_path / "web.log"
    web = start(command, service_env, log, processes)
    for check in checks:
        wait_healthy(local_argv(check), service_env, web, log, within=60)


@pytest.mark.integration
def test_worker_health_check_pings_the_worker(service_env, processes, tmp_path):
    command, checks = compose_service("worker", service_env)
    # A queue of its own: this worker must not take tasks that other tests send.
    command += ["--queues", f"deploycheck-{secrets.token_hex(4)}", "--concurrency", "1"]
    log = tmp_path / "worker.log"
    worker = start(command, service_env, log, processes)
    for check in checks:
        wait_healthy(check, service_env, worker, log, within=90)


@pytest.mark.integration
def test_beat_health_check_pings_beat(service_env, processes, tmp_path):
    command, checks = compose_service("beat", service_env)
    command[command.index("--schedule") + 1] = str(tmp_path / "beat-schedule")
    log = tmp_path / "beat.log"
    beat = start(command, service_env, log, processes)
    for check in checks:
        wait_healthy(check, service_env, beat, log, within=90)
