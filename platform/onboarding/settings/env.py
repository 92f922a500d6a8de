"""Reading the environment: one place, so that a wrong or missing variable stops start-up with a
message that names it (django-environ does the parsing)."""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[3]

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None


def require(name: str, hint: str) -> str:
    """A variable production cannot start without."""
    value = env.str(name, default="")
    if not value.strip():
        raise ImproperlyConfigured(f"环境变量 {name} 未设置 / {name} is not set: {hint}")
    return value


def parsed(name: str, parse, default):
    """Parse a variable with django-environ, naming the variable when its value is wrong."""
    try:
        return parse(name, default=default)
    except (ValueError, ImproperlyConfigured, environ.ImproperlyConfigured) as error:
        raise ImproperlyConfigured(
            f"环境变量 {name} 的值无效 / {name} has an invalid value: {error}"
        ) from error
