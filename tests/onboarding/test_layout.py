"""`platform/` holds the project's core packages but must never shadow the standard library's
`platform` module, which uuid (and so Django) imports."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_platform_is_the_standard_library_module_inside_the_project_environment():
    # given the project's interpreter, started from the repository root (as manage.py is)
    code = (
        "import platform, sysconfig, onboarding, uuid; "
        "print(platform.system()); print(platform.__file__); "
        "print(sysconfig.get_paths()['stdlib'])"
    )
    # when
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    # then
    system, module_file, stdlib = result.stdout.split("\n")[:3]
    assert system
    assert module_file.startswith(stdlib)


def test_platform_folder_is_not_a_package():
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_manage_py_runs_with_the_standard_platform_module():
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "import platform; print(platform.system())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite://:memory:"},
    )
    assert result.stdout.strip().endswith(("Linux", "Darwin", "Windows"))
