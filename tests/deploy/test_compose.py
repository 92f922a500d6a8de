"""The deployment files describe a platform that can run: docker-compose.yml and the Dockerfile name
services, commands, modules and files that exist in the project, and each service is watched by a
health check.

No Docker engine is needed: docker-compose.yml is read with `docker compose config` when the compose
plugin is there, and with PyYAML (plus Compose's variable interpolation, done here) otherwise. The
variables come from deploy/env.example, with its secrets filled in, as an operator's .env would.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path, PurePosixPath

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / "deploy" / "env.example"
TURN_CONFIG = ROOT / "deploy" / "coturn" / "turnserver.conf"
SETTINGS_DIR = ROOT / "platform" / "onboarding" / "settings"

IMAGE_WORKDIR = PurePosixPath("/app")  # WORKDIR of the Dockerfile; the source is copied there
REQUIRED_SERVICES = {"db", "redis", "migrate", "init-ca", "web", "worker", "beat", "turn"}
# the services that run the project's image
APP_SERVICES = {"migrate", "init-ca", "web", "worker", "beat"}
ASGI_APPLICATION = "onboarding.asgi:application"
PRODUCTION_SETTINGS = "onboarding.settings.production"
WEASYPRINT_PACKAGES = {
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fonts-noto-cjk",
    "poppler-utils",
    "libnss3-tools",
}


# --- reading .env files and Compose's interpolation --------------------------------------------

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGNMENT = re.compile(r"^\s*(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")


def read_env_file(path: Path) -> dict[str, str]:
    """The variables an env file sets (commented-out lines excluded)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _ASSIGNMENT.match(line)
        if match and not match.group(1):
            values[match.group(2)] = match.group(3).strip()
    return values


def documented_variables(path: Path = ENV_EXAMPLE) -> set[str]:
    """Every variable an env file mentions as NAME=..., set or commented out."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {match.group(2) for line in lines if (match := _ASSIGNMENT.match(line))}


class MissingVariableError(ValueError):
    """A ${NAME:?message} whose variable is unset or empty."""


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Compose's interpolation: $$, $NAME, ${NAME}, ${NAME:-default}, ${NAME-default},
    ${NAME:?error}, ${NAME?error}, ${NAME:+alternative}, ${NAME+alternative}, nested."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        following = text[index + 1 : index + 2]
        if char != "$":
            out.append(char)
            index += 1
        elif following == "$":
            out.append("$")
            index += 2
        elif following == "{":
            end = _closing_brace(text, index + 2)
            out.append(_expand(text[index + 2 : end], env))
            index = end + 1
        elif match := _NAME.match(text, index + 1):
            out.append(env.get(match.group(), ""))
            index = match.end()
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _closing_brace(text: str, start: int) -> int:
    depth, index = 1, start
    while index < len(text):
        if text.startswith("${", index):
            depth += 1
            index += 2
            continue
        if text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise ValueError(f"unclosed '${{' in {text!r}")


def _expand(expression: str, env: Mapping[str, str]) -> str:
    match = _NAME.match(expression)
    if not match:
        raise ValueError(f"bad variable reference ${{{expression}}}")
    name, rest = match.group(), expression[match.end() :]
    value = env.get(name)
    if not rest:
        return value or ""
    operator = next((op for op in (":-", ":?", ":+", "-", "?", "+") if rest.startswith(op)), None)
    if operator is None:
        raise ValueError(f"bad variable reference ${{{expression}}}")
    word = rest[len(operator) :]
    unset = value is None or (operator.startswith(":") and value == "")
    if operator in (":-", "-"):
        return interpolate(word, env) if unset else value
    if operator in (":?", "?"):
        if unset:
            raise MissingVariableError(f"{name}: {interpolate(word, env)}")
        return value
    return "" if unset else interpolate(word, env)


def interpolate_tree(node, env: Mapping[str, str]):
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [interpolate_tree(item, env) for item in node]
    if isinstance(node, dict):
        return {key: interpolate_tree(value, env) for key, value in node.items()}
    return node


def operator_env() -> dict[str, str]:
    """deploy/env.example as an operator fills it in: every variable that docker-compose.yml
    requires (${NAME:?...}) gets a value."""
    env = read_env_file(ENV_EXAMPLE)
    required = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?", COMPOSE_FILE.read_text()))
    for name in required:
        if not env.get(name):
            env[name] = f"filled{name.lower().replace('_', '')}"
    return env


# --- the Compose model -------------------------------------------------------------------------


def docker_compose_available() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    return probe.returncode == 0


@cache
def compose() -> dict:
    """The Compose model, variables interpolated, as `docker compose config` gives it."""
    env = operator_env()
    if docker_compose_available():
        return _compose_config_from_docker(env)
    raw = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return interpolate_tree(raw, env)


def _compose_config_from_docker(env: Mapping[str, str]) -> dict:
    # The project directory holds the .env (env_file and interpolation); paths stay relative.
    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / ".env").write_text(
            "".join(f"{name}={value}\n" for name, value in env.items()), encoding="utf-8"
        )
        result = subprocess.run(
            [
                "docker",
                "compose",
                "--project-directory",
                directory,
                "-f",
                str(COMPOSE_FILE),
                "config",
                "--format",
                "json",
                "--no-path-resolution",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    assert result.returncode == 0, f"docker compose config failed:\n{result.stderr}"
    return _unescape_dollars(json.loads(result.stdout))


def _unescape_dollars(node):
    """`docker compose config` writes a literal $ as $$, as in the source file."""
    if isinstance(node, str):
        return node.replace("$$", "$")
    if isinstance(node, list):
        return [_unescape_dollars(item) for item in node]
    if isinstance(node, dict):
        return {key: _unescape_dollars(value) for key, value in node.items()}
    return node


def services() -> dict[str, dict]:
    return compose()["services"]


def argv_of(command) -> list[str]:
    """A service's command as an argument vector (Compose accepts a string or a list)."""
    if command is None:
        return []
    return shlex.split(command) if isinstance(command, str) else [str(arg) for arg in command]


def healthcheck_commands(test) -> list[list[str]]:
    """The simple commands a health check's test runs (CMD, CMD-SHELL or a shell string)."""
    if isinstance(test, str):
        return shell_commands(test)
    kind, *rest = test
    if kind == "CMD":
        return [list(rest)]
    if kind == "CMD-SHELL":
        return shell_commands(" ".join(rest))
    return []  # NONE


def shell_commands(script: str) -> list[list[str]]:
    """The simple commands of a one-line shell script, split at |, ||, &&, ;."""
    lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands, current = [], []
    for token in lexer:
        if token in {"|", "||", "&&", ";", "&"}:
            commands.append(current)
            current = []
        else:
            current.append(token)
    commands.append(current)
    return [command for command in commands if command]


def volume_mounts(service: dict) -> list[tuple[str, str, str]]:
    """(type, source, target) of a service's volumes, short or long syntax."""
    mounts = []
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            mounts.append((volume["type"], str(volume.get("source", "")), volume["target"]))
            continue
        source, _, rest = volume.partition(":")
        target = rest.split(":")[0]
        kind = "bind" if source.startswith((".", "/", "~")) else "volume"
        mounts.append((kind, source, target))
    return mounts


def port_mappings(service: dict) -> list[tuple[set[int], set[int], str]]:
    """(published ports, container ports, protocol) of a service's ports, short or long syntax."""
    mappings = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            published = str(port.get("published") or port["target"])
            mappings.append(
                (
                    port_range(published),
                    port_range(str(port["target"])),
                    port.get("protocol", "tcp"),
                )
            )
            continue
        mapping, _, protocol = str(port).partition("/")
        parts = mapping.split(":")
        published = parts[-2] if len(parts) > 1 else parts[-1]
        mappings.append((port_range(published), port_range(parts[-1]), protocol or "tcp"))
    return mappings


def port_range(text: str) -> set[int]:
    first, _, last = text.partition("-")
    return set(range(int(first), int(last or first) + 1))


def published(service: dict, protocol: str) -> set[int]:
    return {
        port
        for ports, _targets, proto in port_mappings(service)
        if proto == protocol
        for port in ports
    }


def depends_on(service: dict) -> dict[str, str]:
    dependencies = service.get("depends_on", {})
    if isinstance(dependencies, list):
        return dict.fromkeys(dependencies, "service_started")
    return {name: spec.get("condition", "service_started") for name, spec in dependencies.items()}


def service_environment(service: dict) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        return dict(item.split("=", 1) for item in environment)
    return {name: "" if value is None else str(value) for name, value in environment.items()}


def env_files(service: dict) -> list[str]:
    files = service.get("env_file", [])
    files = [files] if isinstance(files, str | dict) else files
    return [item["path"] if isinstance(item, dict) else item for item in files]


# --- the Dockerfile ----------------------------------------------------------------------------


@cache
def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    instructions, pending = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def dockerfile_env() -> dict[str, str]:
    env = {}
    for keyword, arguments in final_stage():
        if keyword == "ENV":
            for pair in shlex.split(arguments):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def exec_form(arguments: str) -> list[str]:
    argv = json.loads(arguments)
    assert isinstance(argv, list), f"not the exec (JSON) form: {arguments}"
    return argv


def image_cmd() -> list[str]:
    (arguments,) = [arguments for keyword, arguments in final_stage() if keyword == "CMD"]
    argv = exec_form(arguments)
    if argv[:2] == ["sh", "-c"]:
        (command,) = shell_commands(argv[2])
        argv = command[1:] if command[0] == "exec" else command
    return [interpolate(arg, dockerfile_env()) for arg in argv]


def image_healthcheck() -> list[str]:
    (arguments,) = [arguments for keyword, arguments in final_stage() if keyword == "HEALTHCHECK"]
    _, _, command = arguments.partition("CMD ")
    return exec_form(command)


# --- .dockerignore (Docker's rules: patterns from the context root, last match wins) ----------


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    out, index = [], 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        elif pattern[index] == "[":
            end = pattern.index("]", index)
            out.append(pattern[index : end + 1])
            index = end + 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(out))


def dockerignored(path: str) -> bool:
    """Whether the build context leaves out this path (relative to the repository)."""
    rules = []
    for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.lstrip("!").strip().strip("/")
        rules.append((negated, _pattern_regex(pattern)))
    parts = PurePosixPath(path).parts
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for negated, regex in rules:
        if any(regex.fullmatch(candidate) for candidate in candidates):
            excluded = not negated
    return excluded


def repository_path(path: str) -> Path:
    """The repository file a path inside the image refers to (relative paths: from WORKDIR)."""
    image_path = IMAGE_WORKDIR / path
    relative = image_path.relative_to(IMAGE_WORKDIR)
    return ROOT / relative


# --- commands that run project code ------------------------------------------------------------

PROJECT_PROGRAMS = {"python", "python3", "uvicorn", "celery"}


def project_commands() -> Iterator[tuple[str, list[str]]]:
    """(where, argv) of every command in docker-compose.yml and the Dockerfile that runs project
    code."""
    for name, service in sorted(services().items()):
        if name not in APP_SERVICES:
            continue
        argv = argv_of(service.get("command")) or image_cmd()
        yield f"{name}-command", argv
        for number, command in enumerate(
            healthcheck_commands(service.get("healthcheck", {}).get("test", []))
        ):
            if command[0] in PROJECT_PROGRAMS:
                yield f"{name}-healthcheck-{number}", command
    yield "Dockerfile-CMD", image_cmd()
    yield "Dockerfile-HEALTHCHECK", image_healthcheck()
    for keyword, arguments in final_stage():
        if keyword == "RUN" and "manage.py" in arguments:
            for command in shell_commands(arguments):
                words = [word for word in command if "=" not in word or word.startswith("-")]
                if "manage.py" in words:
                    index = words.index("manage.py")
                    yield f"Dockerfile-RUN-{words[index + 1]}", words[index - 1 :]


def check_manage_py(argv: list[str]) -> None:
    from django.core.management import get_commands, load_command_class

    assert repository_path(argv[1]).is_file(), f"{argv[1]} is not in the repository"
    name, options = argv[2], argv[3:]
    commands = get_commands()
    assert name in commands, f"`manage.py {name}` is not a Django command of this project"
    command = load_command_class(commands[name], name)
    parser = command.create_parser("manage.py", name)
    try:
        parser.parse_args(options)
    except BaseException as error:  # CommandError, or SystemExit from argparse
        pytest.fail(f"`manage.py {name}` does not accept {options}: {error}")


def check_python_script(argv: list[str]) -> None:
    script = argv[1]
    path = repository_path(script)
    assert path.is_file(), f"{script} is not in the repository"
    relative = path.relative_to(ROOT).as_posix()
    assert not dockerignored(relative), f"{relative} is left out of the image by .dockerignore"


def check_uvicorn(argv: list[str]) -> None:
    from uvicorn.main import main as uvicorn_cli

    try:
        context = uvicorn_cli.make_context("uvicorn", list(argv[1:]))
    except Exception as error:  # click's usage errors
        pytest.fail(f"uvicorn does not accept {argv[1:]}: {error}")
    module_name, _, attribute = context.params["app"].partition(":")
    module = importlib.import_module(module_name)
    assert callable(getattr(module, attribute, None)), f"{context.params['app']} is not an app"


def _celery_options(params) -> dict[str, bool]:
    """Option string → whether it takes a value."""
    options = {}
    for param in params:
        if getattr(param, "param_type_name", "") != "option":
            continue
        takes_value = not (param.is_flag or param.count)
        for name in [*param.opts, *param.secondary_opts]:
            options[name] = takes_value
    return options


def check_celery(argv: list[str]) -> None:
    from celery import Celery
    from celery.app.utils import find_app
    from celery.bin.celery import celery as celery_cli
    from celery.worker.control import Panel

    tokens, app_name, subcommand, positionals = iter(argv[1:]), None, None, []
    options = _celery_options(celery_cli.params)
    for token in tokens:
        if token.startswith("-"):
            name, has_value, value = token.partition("=")
            assert name in options, f"`{token}` is not an option of `celery {subcommand or ''}`"
            if options[name] and not has_value:
                value = next(tokens)
            if name in {"-A", "--app"}:
                app_name = value
        elif subcommand is None:
            assert token in celery_cli.commands, f"`celery {token}` is not a celery command"
            subcommand = token
            options = _celery_options(celery_cli.commands[token].params)
        else:
            positionals.append(token)
    assert app_name, f"{argv} does not name the app with -A"
    assert subcommand, f"{argv} names no celery command"
    try:
        app = find_app(app_name)
    except (ImportError, AttributeError) as error:
        pytest.fail(f"-A {app_name} does not load a Celery app: {error}")
    assert isinstance(app, Celery), f"-A {app_name} finds {app!r}, not a Celery app"
    if subcommand == "inspect":
        assert positionals, "`celery inspect` needs a method"
        assert positionals[0] in Panel.meta, f"`inspect {positionals[0]}` is no inspect method"


def check_project_command(argv: list[str]) -> None:
    program = PurePosixPath(argv[0]).name
    if program in {"python", "python3"}:
        if PurePosixPath(argv[1]).name == "manage.py":
            check_manage_py(argv)
        else:
            check_python_script(argv)
    elif program == "uvicorn":
        check_uvicorn(argv)
    elif program == "celery":
        check_celery(argv)
    else:
        pytest.fail(f"{argv[0]} is not a program of the project's image")


PROJECT_COMMANDS = list(project_commands())


# --- the Compose file ------------------------------------------------------------------------


def test_compose_defines_every_service_of_the_platform():
    assert REQUIRED_SERVICES <= set(services())


@pytest.mark.parametrize("name", sorted(REQUIRED_SERVICES))
def test_every_service_has_a_health_check(name):
    healthcheck = services()[name].get("healthcheck")
    assert healthcheck, f"{name} has no healthcheck"
    assert not healthcheck.get("disable"), f"{name} disables its healthcheck"
    assert healthcheck_commands(healthcheck["test"]), f"{name}'s healthcheck runs nothing"


@pytest.mark.parametrize("name", ["db", "redis", "beat", "web", "worker"])
def test_stateful_services_keep_their_data_in_named_volumes(name):
    declared = set(compose().get("volumes") or {})
    named = [
        (source, target)
        for kind, source, target in volume_mounts(services()[name])
        if kind == "volume"
    ]
    assert named, f"{name} keeps its data in no named volume"
    for source, _target in named:
        assert source in declared, f"{name} mounts volume {source}, not declared at the top"


def test_web_and_worker_share_the_media_volume_at_media_root():
    media_root = dockerfile_env()["MEDIA_ROOT"]
    for name in ("web", "worker"):
        targets = {
            target for kind, _s, target in volume_mounts(services()[name]) if kind == "volume"
        }
        assert media_root in targets, f"{name} does not mount a volume on MEDIA_ROOT"


def test_beat_keeps_its_schedule_in_its_volume():
    beat = services()["beat"]
    argv = argv_of(beat["command"])
    schedule = argv[argv.index("--schedule") + 1]
    targets = [target for kind, _s, target in volume_mounts(beat) if kind == "volume"]
    assert any(PurePosixPath(schedule).is_relative_to(target) for target in targets)


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_app_services_run_the_project_image_with_production_settings(name):
    service = services()[name]
    web = services()["web"]
    assert service.get("image") == web.get("image"), f"{name} runs another image than web"
    assert service.get("build"), f"{name} does not build the project's image"
    assert service_environment(service).get("DJANGO_SETTINGS_MODULE") == PRODUCTION_SETTINGS
    assert any(Path(path).name == ".env" for path in env_files(service)), f"{name} reads no .env"


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_app_services_reach_the_compose_database_and_redis_by_default(name):
    environment = service_environment(services()[name])
    env = operator_env()
    assert environment["DATABASE_URL"] == (
        f"postgres://{env['POSTGRES_USER']}:{env['POSTGRES_PASSWORD']}@db:5432/{env['POSTGRES_DB']}"
    )
    assert environment["REDIS_URL"] == "redis://redis:6379/0"


def test_compose_refuses_to_start_without_the_secrets_it_needs():
    env = read_env_file(ENV_EXAMPLE)
    raw = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    for name in ("POSTGRES_PASSWORD", "TURN_SECRET"):
        assert env.get(name) == "", f"env.example must leave {name} for the operator to fill in"
        with pytest.raises(MissingVariableError, match=name):
            interpolate_tree(raw, {**operator_env(), name: ""})


@pytest.mark.parametrize("name", ["web", "worker"])
def test_web_and_worker_start_after_migration_with_healthy_data_services(name):
    dependencies = depends_on(services()[name])
    assert dependencies.get("migrate") == "service_completed_successfully"
    assert dependencies.get("db") == "service_healthy"
    assert dependencies.get("redis") == "service_healthy"


def test_beat_starts_after_migration_with_a_healthy_broker():
    dependencies = depends_on(services()["beat"])
    assert dependencies.get("migrate") == "service_completed_successfully"
    assert dependencies.get("redis") == "service_healthy"


def test_migration_runs_once_when_the_database_is_healthy():
    migrate = services()["migrate"]
    assert argv_of(migrate["command"])[:4] == ["python", "manage.py", "migrate", "--noinput"]
    assert depends_on(migrate).get("db") == "service_healthy"
    assert migrate.get("restart") in {"no", None}


def test_the_company_ca_is_created_once_after_migration():
    init_ca = services()["init-ca"]
    assert argv_of(init_ca["command"]) == ["python", "manage.py", "init_ca", "--if-missing"]
    assert depends_on(init_ca).get("migrate") == "service_completed_successfully"
    assert init_ca.get("restart") in {"no", None}


def test_web_serves_the_asgi_application_of_the_settings_on_its_published_port():
    from django.conf import settings

    web = services()["web"]
    argv = argv_of(web["command"])
    assert argv[:2] == ["uvicorn", ASGI_APPLICATION]
    assert settings.ASGI_APPLICATION == ASGI_APPLICATION.replace(":", ".")
    port = int(argv[argv.index("--port") + 1])
    assert port == int(operator_env()["PORT"])
    targets = {target for _published, targets, _proto in port_mappings(web) for target in targets}
    assert port in targets, "web publishes another port than the one the server listens on"


def test_web_runs_the_server_with_the_options_of_the_demo():
    # The client address from TRUSTED_PROXIES only, the edge's access log, bounded websockets:
    # production and `make demo` serve alike.
    from common.serving import OPTIONS

    argv = argv_of(services()["web"]["command"])
    assert argv[argv.index("--port") + 2 :] == OPTIONS
    assert "--proxy-headers" not in argv


def test_web_health_check_is_the_image_health_check():
    (command,) = healthcheck_commands(services()["web"]["healthcheck"]["test"])
    assert command == image_healthcheck()


@pytest.mark.parametrize(("name", "node"), [("worker", "celery"), ("beat", "celerybeat")])
def test_celery_health_checks_ping_their_own_node(name, node):
    commands = healthcheck_commands(services()[name]["healthcheck"]["test"])
    (ping,) = [command for command in commands if command[0] == "celery"]
    assert ping[ping.index("-A") + 1] == "onboarding"
    assert "inspect" in ping and "ping" in ping
    assert ping[ping.index("-d") + 1] == f"{node}@$HOSTNAME"


def test_beat_answers_remote_control_so_that_its_health_check_can_ping_it():
    assert "--enable-remote-control" in argv_of(services()["beat"]["command"])


def test_turn_relay_uses_the_mounted_coturn_config_and_publishes_its_relay_range():
    turn = services()["turn"]
    mounts = volume_mounts(turn)
    (source,) = [
        source for kind, source, target in mounts if target == "/etc/coturn/turnserver.conf"
    ]
    assert (ROOT / source).resolve() == TURN_CONFIG.resolve()
    argv = argv_of(turn["command"])
    assert argv[argv.index("-c") + 1] == "/etc/coturn/turnserver.conf"
    assert any(arg.startswith("--static-auth-secret=") and len(arg) > 21 for arg in argv)

    config = dict(re.findall(r"^([a-z-]+)=(\S+)$", TURN_CONFIG.read_text(), flags=re.MULTILINE))
    listening = int(config["listening-port"])
    assert listening in published(turn, "tcp")
    assert listening in published(turn, "udp")
    relay = set(range(int(config["min-port"]), int(config["max-port"]) + 1))
    assert relay <= published(turn, "udp"), "the relay range is not published"


def test_turn_relay_accepts_only_time_limited_credentials_and_no_private_peers():
    lines = {line.strip() for line in TURN_CONFIG.read_text().splitlines()}
    assert "use-auth-secret" in lines
    assert "denied-peer-ip=10.0.0.0-10.255.255.255" in lines
    assert "denied-peer-ip=127.0.0.0-127.255.255.255" in lines
    assert "denied-peer-ip=192.168.0.0-192.168.255.255" in lines
    assert "denied-peer-ip=172.16.0.0-172.31.255.255" in lines


@pytest.mark.parametrize(
    ("where", "argv"), PROJECT_COMMANDS, ids=[where for where, _argv in PROJECT_COMMANDS]
)
def test_command_runs_project_code_that_exists(where, argv):
    check_project_command(argv)


def test_every_app_service_runs_project_code():
    checked = {
        re.sub(r"-(command|healthcheck-\d+)$", "", where) for where, _argv in PROJECT_COMMANDS
    }
    assert APP_SERVICES <= checked


# --- the Dockerfile --------------------------------------------------------------------------


def test_image_is_built_on_python_311_slim_bookworm():
    base = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "ARG"]
    assert "PYTHON_IMAGE=python:3.11-slim-bookworm" in base
    stages = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "FROM"]
    assert all(stage.startswith("${PYTHON_IMAGE}") for stage in stages)


def test_image_runs_as_a_non_root_user():
    users = [arguments for keyword, arguments in final_stage() if keyword == "USER"]
    assert users, "the image runs as root"
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_image_installs_what_weasyprint_needs_and_warms_the_font_cache():
    runs = " ".join(arguments for keyword, arguments in final_stage() if keyword == "RUN")
    installed = set(runs.split())
    assert installed >= WEASYPRINT_PACKAGES, WEASYPRINT_PACKAGES - installed
    assert "fc-cache -f" in runs


def test_image_installs_the_locked_requirements_with_the_bootstrapped_installer():
    # The image installs like `make setup`: the script bootstraps the pinned pip of bootstrap.txt
    # (hash-checked) and installs the locks with it (tests/deploy/test_install.py).
    instructions = dockerfile_instructions()
    runs = [arguments for keyword, arguments in instructions if keyword == "RUN"]
    (install,) = [run for run in runs if "requirements/base.txt" in run]
    assert "requirements/install.sh /opt/venv" in install
    assert "requirements/build.txt" in install
    copied = " ".join(arguments for keyword, arguments in instructions if keyword == "COPY")
    for name in ("install.sh", "bootstrap.txt", "build.txt", "base.txt"):
        assert f"requirements/{name}" in copied
    assert "--require-hashes" in (ROOT / "requirements" / "install.sh").read_text()
    assert any("pip install --no-deps --no-build-isolation -e ." in run for run in runs)


def test_image_collects_static_files_with_production_settings():
    # whitenoise's manifest storage (production) needs the manifest that only collectstatic
    # with the production settings writes.
    assert dockerfile_env()["DJANGO_SETTINGS_MODULE"] == PRODUCTION_SETTINGS
    runs = [arguments for keyword, arguments in final_stage() if keyword == "RUN"]
    (collect,) = [run for run in runs if "collectstatic" in run]
    assert "--noinput" in collect
    assert "DJANGO_SETTINGS_MODULE=" not in collect, "collectstatic must use the image's settings"
    assert importlib.util.find_spec(PRODUCTION_SETTINGS) is not None


def test_image_starts_uvicorn_on_port_with_the_asgi_application():
    argv = image_cmd()
    assert argv[:2] == ["uvicorn", ASGI_APPLICATION]
    assert argv[argv.index("--port") + 1] == dockerfile_env()["PORT"]
    assert argv == argv_of(services()["web"]["command"])


def test_image_health_check_requests_healthz():
    argv = image_healthcheck()
    assert argv[0] == "python"
    script = repository_path(argv[1])
    assert script == ROOT / "deploy" / "healthcheck.py"
    assert '"/healthz"' in script.read_text()


@pytest.mark.parametrize(
    "path",
    [
        "manage.py",
        "pyproject.toml",
        "README.md",
        "requirements/base.txt",
        "requirements/build.txt",
        "requirements/bootstrap.txt",
        "requirements/install.sh",
        "platform/onboarding/asgi.py",
        "platform/onboarding/settings/production.py",
        "flows/__init__.py",
        "deploy/healthcheck.py",
    ],
)
def test_build_context_keeps_what_the_image_needs(path):
    assert not dockerignored(path)


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        "platform/.env",
        ".env.production",
        ".git/config",
        ".venv/bin/python",
        "var/demo.sqlite3",
        "flows/__pycache__/models.cpython-311.pyc",
        "tests/conftest.py",
    ],
)
def test_build_context_leaves_out_secrets_and_local_state(path):
    assert dockerignored(path)


# --- deploy/env.example --------------------------------------------------------------------------


def settings_variables() -> set[str]:
    """Every variable the settings modules read."""
    found = set()
    for path in SETTINGS_DIR.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"(?:env\.\w+|parsed|require)\(\s*\"([A-Z][A-Z0-9_]*)\"", text))
    return found


def test_env_example_documents_every_variable_the_settings_read():
    missing = settings_variables() - documented_variables()
    assert not missing, f"deploy/env.example does not document {sorted(missing)}"


def test_env_example_documents_every_variable_compose_reads():
    used = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", COMPOSE_FILE.read_text()))
    missing = used - documented_variables()
    assert not missing, f"deploy/env.example does not document {sorted(missing)}"


def test_env_example_leaves_every_secret_for_the_operator():
    env = read_env_file(ENV_EXAMPLE)
    for name in ("SECRET_KEY", "DATA_ENCRYPTION_KEY", "POSTGRES_PASSWORD", "TURN_SECRET"):
        assert env.get(name) == "", f"env.example must not ship a value for {name}"
    assert env["DEBUG"] == "false"
    assert env["SMS_BACKEND"] != "outbox"


# --- deploy/healthcheck.py ------------------------------------------------------------------------


def load_healthcheck_module():
    spec = importlib.util.spec_from_file_location(
        "deploy_healthcheck", ROOT / "deploy" / "healthcheck.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "allowed_hosts",
    [
        "onboarding.example.com",
        "onboarding.example.com,www.example.com",
        ".example.com",
        " .example.com , other.example.org",
        "*",
        "",
    ],
)
def test_health_check_sends_a_host_that_allowed_hosts_accepts(allowed_hosts):
    from django.http.request import validate_host

    host = load_healthcheck_module().probe_host(allowed_hosts)
    allowed = [entry.strip() for entry in allowed_hosts.split(",") if entry.strip()]
    assert validate_host(host, allowed or ["localhost"])
