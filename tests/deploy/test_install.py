"""The install depends on the lock files alone, whatever upstream publishes next.

`python3 -m venv` gives the pip that Python bundles (23.2.1 on this kind of machine). In
--require-hashes mode that pip resolved `fonttools[woff]` (asked for by weasyprint) to the newest
release on the index rather than the pinned one, and `make demo` and `make test` broke on every new
machine the day fonttools published a release newer than the lock's. These tests rebuild that day
offline: a local index (a folder of stub wheels) serves a newer release of a locked package than
the lock pins, and the install must take the pinned one, through the Makefile, from a venv made by
this machine's `python3 -m venv`.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"
BOOTSTRAP_LOCK = REQUIREMENTS / "bootstrap.txt"
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)")


def locked_pins(lock: Path) -> dict[str, str]:
    return {
        match[1].lower(): match[2]
        for line in lock.read_text().splitlines()
        if (match := PIN.match(line))
    }


# --- a local index with stub wheels -------------------------------------------------------------


def stub_wheel(
    folder: Path, name: str, version: str, *, requires=(), extras=(), module: str = ""
) -> Path:
    """A minimal, installable pure-Python wheel; its package is `module` (the name by default:
    two distributions may own one package, as opencv-python-headless and its contrib build do)."""
    dist_info = f"{name}-{version}.dist-info"
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Provides-Extra: {extra}" for extra in extras]
    metadata += [f"Requires-Dist: {requirement}" for requirement in requires]
    files = {
        f"{module or name}/__init__.py": f"VERSION = {version!r}\nDIST = {name!r}\n",
        f"{dist_info}/METADATA": "\n".join(metadata) + "\n",
        f"{dist_info}/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = []
    for path, text in files.items():
        digest = hashlib.sha256(text.encode()).digest()
        encoded = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        record.append(f"{path},sha256={encoded},{len(text.encode())}")
    files[f"{dist_info}/RECORD"] = "\n".join([*record, f"{dist_info}/RECORD,,"]) + "\n"
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(zipfile.ZipInfo(path, (2020, 1, 1, 0, 0, 0)), text)
    return wheel


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class StubIndex:
    folder: Path
    lock: Path


@pytest.fixture
def stub_index(tmp_path) -> StubIndex:
    """weasyprint/fonttools in miniature: `stubweasy` asks for `stubfont[woff]>=1.0`, the lock
    pins stubfont 1.0, and the index also serves stubfont 1.1, published after the lock."""
    folder = tmp_path / "index"
    folder.mkdir()
    font = stub_wheel(
        folder, "stubfont", "1.0", requires=['stubbrotli; extra == "woff"'], extras=["woff"]
    )
    stub_wheel(folder, "stubfont", "1.1", requires=['stubbrotli; extra == "woff"'], extras=["woff"])
    brotli = stub_wheel(folder, "stubbrotli", "1.0")
    weasy = stub_wheel(folder, "stubweasy", "1.0", requires=["stubfont[woff]>=1.0"])
    lock = tmp_path / "stub-lock.txt"
    lock.write_text(
        f"stubweasy==1.0 --hash=sha256:{sha256(weasy)}\n"
        f"stubfont==1.0 --hash=sha256:{sha256(font)}\n"
        f"stubbrotli==1.0 --hash=sha256:{sha256(brotli)}\n"
    )
    return StubIndex(folder, lock)


@pytest.fixture(scope="module")
def locked_installer_wheels(tmp_path_factory) -> Path:
    """The wheels of the bootstrap lock (pip) and of the build lock (hatchling, for the editable
    install), fetched once from PyPI (pip's cache serves them after `make setup`), so that the
    installs below run with no index at all."""
    folder = tmp_path_factory.mktemp("locked-wheels")
    download = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--require-hashes",
            "-r",
            str(BOOTSTRAP_LOCK),
            "-r",
            str(REQUIREMENTS / "build.txt"),
            "-d",
            str(folder),
        ],
        env=pip_environment(),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    if download.returncode:
        pytest.skip(
            f"PyPI does not answer, so the locked installer cannot be fetched: "
            f"{download.stderr.strip()[-300:]}"
        )
    return folder


def pip_environment(**extra: str) -> dict[str, str]:
    """The environment without this machine's pip configuration (its extra indexes, find-links
    and constraints), so that only what a test names is seen."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env


def offline(*folders: Path) -> dict[str, str]:
    return pip_environment(PIP_NO_INDEX="1", PIP_FIND_LINKS=" ".join(map(str, folders)))


def stock_venv(path: Path) -> Path:
    """A venv as this machine's `python3 -m venv` makes it, with the pip Python bundles."""
    python3 = shutil.which("python3") or sys.executable
    subprocess.run([python3, "-m", "venv", str(path)], check=True, timeout=120)  # noqa: S603
    return path / "bin" / "python"


def installed_version(python: Path, distribution: str) -> str:
    return subprocess.run(  # noqa: S603
        [str(python), "-c", f"import importlib.metadata as m; print(m.version({distribution!r}))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def make_setup(venv: Path, locks: list[Path], env: dict[str, str]):
    return subprocess.run(  # noqa: S603
        [
            "make",
            "--no-print-directory",
            "-C",
            str(ROOT),
            "setup",
            f"VENV={venv}",
            f"LOCKS={' '.join(map(str, locks))}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


# --- the locks -----------------------------------------------------------------------------------


def test_bootstrap_lock_pins_one_installer_with_no_dependencies_to_resolve():
    # given / when
    text = BOOTSTRAP_LOCK.read_text()
    pins = locked_pins(BOOTSTRAP_LOCK)

    # then: only pip, pinned, with its hashes; nothing the stock pip could resolve on its own
    assert list(pins) == ["pip"]
    assert text.count("--hash=sha256:") >= 1
    assert "[" not in text.split("==")[0]


@pytest.mark.parametrize("lock", ["base.txt", "test.txt", "build.txt", "bootstrap.txt"])
def test_every_locked_requirement_is_pinned_with_a_hash(lock):
    # given
    entries = re.split(r"\n(?=[A-Za-z0-9])", (REQUIREMENTS / lock).read_text().split("\n", 2)[2])

    # then
    for entry in entries:
        if entry.strip() and not entry.startswith("#"):
            assert PIN.match(entry), entry
            assert "--hash=sha256:" in entry, entry


def test_this_environment_runs_the_bootstrapped_installer():
    # given
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip("the tests run outside the project's .venv made by `make setup`")
    import pip

    # then
    assert pip.__version__ == locked_pins(BOOTSTRAP_LOCK)["pip"]


# --- the day upstream publishes a newer release ---------------------------------------------------


def test_the_stock_pip_of_a_new_venv_takes_the_newer_release(tmp_path, stub_index):
    """The failure this install avoids, shown on this machine's own `python3 -m venv`."""
    # given
    python = stock_venv(tmp_path / "venv")
    stock = installed_version(python, "pip")
    if tuple(int(part) for part in stock.split(".")[:2]) >= (23, 3):
        pytest.skip(f"this Python bundles pip {stock}, which resolves extras from the lock")

    # when
    result = subprocess.run(  # noqa: S603
        [str(python), "-m", "pip", "install", "--require-hashes", "-r", str(stub_index.lock)],
        env=offline(stub_index.folder),
        capture_output=True,
        text=True,
        check=False,
    )

    # then
    assert result.returncode != 0
    assert "stubfont[woff]>=1.0 from" in result.stderr
    assert "stubfont-1.1" in result.stderr


def test_make_setup_installs_the_pinned_release_into_a_stock_venv(
    tmp_path, stub_index, locked_installer_wheels
):
    # given: a venv made by python3 -m venv, and an index newer than the lock
    venv = tmp_path / "venv"
    stock_venv(venv)

    # when
    result = make_setup(
        venv,
        [REQUIREMENTS / "build.txt", stub_index.lock],
        offline(stub_index.folder, locked_installer_wheels),
    )

    # then
    assert result.returncode == 0, result.stderr
    python = venv / "bin" / "python"
    assert installed_version(python, "stubfont") == "1.0"
    assert installed_version(python, "pip") == locked_pins(BOOTSTRAP_LOCK)["pip"]
    assert installed_version(python, "futures-onboarding")
    assert (venv / ".installed").exists()


def test_a_package_replaced_by_another_owning_its_files_keeps_working(
    tmp_path, stub_index, locked_installer_wheels
):
    # given: a finished install whose lock named `stubcv`, a package that a newer lock replaces
    # by `stubcv-contrib`, which owns the same files (as opencv-contrib-python-headless does)
    plain = stub_wheel(stub_index.folder, "stubcv", "5.0", module="stubcv")
    contrib = stub_wheel(stub_index.folder, "stubcv_contrib", "5.0", module="stubcv")
    old, new = tmp_path / "old-lock.txt", tmp_path / "new-lock.txt"
    old.write_text(f"stubcv==5.0 --hash=sha256:{sha256(plain)}\n")
    venv = tmp_path / "venv"
    env = offline(stub_index.folder, locked_installer_wheels)
    assert make_setup(venv, [REQUIREMENTS / "build.txt", old], env).returncode == 0
    new.write_text(f"stubcv-contrib==5.0 --hash=sha256:{sha256(contrib)}\n")  # a later lock

    # when
    result = make_setup(venv, [REQUIREMENTS / "build.txt", new], env)

    # then: the old one was removed before the new one was installed, so its files are there
    assert result.returncode == 0, result.stderr
    assert "stubcv" in result.stdout
    module = subprocess.run(  # noqa: S603
        [str(venv / "bin" / "python"), "-c", "import stubcv; print(stubcv.DIST)"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert module.stdout.strip() == "stubcv_contrib", module.stderr


# --- bad input: nothing half-installed is taken for done -----------------------------------------


def test_a_wrong_hash_stops_the_install_and_says_what_to_run_again(
    tmp_path, stub_index, locked_installer_wheels
):
    # given: a lock whose stubfont hash does not match the wheel
    lock = tmp_path / "tampered-lock.txt"
    text = stub_index.lock.read_text()
    wrong = sha256(stub_index.folder / "stubfont-1.1-py3-none-any.whl")
    lock.write_text(re.sub(r"(stubfont==1\.0 --hash=sha256:)\w+", rf"\g<1>{wrong}", text))
    venv = tmp_path / "venv"

    # when
    result = make_setup(venv, [lock], offline(stub_index.folder, locked_installer_wheels))

    # then
    assert result.returncode != 0
    assert "DO NOT MATCH THE HASHES" in result.stderr
    assert "run 'make setup' again" in result.stderr
    assert not (venv / ".installed").exists()


def test_a_missing_lock_file_stops_the_install(tmp_path, stub_index, locked_installer_wheels):
    # given
    venv = tmp_path / "venv"
    (venv / ".installed").parent.mkdir()

    # when
    result = make_setup(
        venv, [tmp_path / "nowhere.txt"], offline(stub_index.folder, locked_installer_wheels)
    )

    # then
    assert result.returncode != 0
    assert "nowhere.txt" in result.stderr
    assert not (venv / ".installed").exists()


def test_an_index_that_does_not_answer_stops_the_install(tmp_path, stub_index):
    # given: the only index is a closed local port
    venv = tmp_path / "venv"
    env = pip_environment(
        PIP_INDEX_URL="http://127.0.0.1:9/simple/", PIP_RETRIES="0", PIP_TIMEOUT="2"
    )

    # when
    result = make_setup(venv, [stub_index.lock], env)

    # then
    assert result.returncode != 0
    assert "run 'make setup' again" in result.stderr
    assert not (venv / ".installed").exists()


def test_a_failed_install_over_a_finished_one_is_not_taken_for_done(
    tmp_path, stub_index, locked_installer_wheels
):
    # given: a finished install, then a lock that can no longer be installed
    venv = tmp_path / "venv"
    env = offline(stub_index.folder, locked_installer_wheels)
    assert make_setup(venv, [REQUIREMENTS / "build.txt", stub_index.lock], env).returncode == 0
    broken = tmp_path / "broken-lock.txt"
    broken.write_text("stubfont==9.9 --hash=sha256:" + "0" * 64 + "\n")

    # when
    result = make_setup(venv, [broken], env)

    # then
    assert result.returncode != 0
    assert not (venv / ".installed").exists()


# --- CI gates what the README promises ------------------------------------------------------------


def test_ci_runs_lint_and_types_before_the_tests():
    # given
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    makefile = (ROOT / "Makefile").read_text()
    lint = makefile[makefile.index("\nlint:") :].split("\n\n")[0]

    # then: CI stops (set -e) on a lint, format or type error before it runs the tests
    assert "set -euo pipefail" in ci
    assert ci.index("make lint") < next(
        i for i, line in enumerate(ci) if line.startswith("make test")
    )
    for command in ("ruff check", "ruff format --check", "mypy"):
        assert command in lint
