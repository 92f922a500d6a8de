#!/usr/bin/env bash
# Install lock files into a virtual environment, depending on nothing but the locks.
#
#   requirements/install.sh VENV LOCK [LOCK ...]
#
# The venv's own pip is whatever `python3 -m venv` bundles (23.2.1 on Debian 12's Python 3.11).
# That pip, in --require-hashes mode, resolves a requirement with an extra (weasyprint asks for
# `fonttools[woff]`) to the newest release on the index instead of the pinned one, so the install
# broke the day fonttools published a newer release. So the stock pip installs only the installer
# (bootstrap.txt: one pinned pip with its hashes, no dependencies, no extras: nothing it could
# resolve differently), and that pip installs the locks. Every package is pinned with ==, checked
# against its hashes, and resolved from the lock alone, whatever upstream publishes next.
set -euo pipefail

if (($# < 2)); then
  echo "usage: $0 VENV LOCK [LOCK ...]" >&2
  exit 2
fi
venv=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
python=$venv/bin/python
pip=("$python" -m pip install --quiet --disable-pip-version-check --require-hashes)

if [[ ! -x $python ]]; then
  echo "$0: no Python at $python: make the venv first (python3 -m venv $venv)" >&2
  exit 2
fi
for lock in "$@"; do
  if [[ ! -r $lock ]]; then
    echo "$0: lock file $lock is missing or unreadable" >&2
    exit 2
  fi
done

"${pip[@]}" --no-deps -r "$here/bootstrap.txt"

# An existing venv: first remove what the locks no longer name. A package replaced by another
# that owns the same files (opencv-python-headless by opencv-contrib-python-headless, both
# `cv2/`) would otherwise be removed later and take the new one's files with it.
stale=$("$python" - "$@" <<'PY'
import re, sys
from importlib.metadata import distributions

def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()

locked = {"pip", "setuptools", "wheel", "futures-onboarding"}
for lock in sys.argv[1:]:
    for line in open(lock, encoding="utf-8"):
        found = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", line)
        if found:
            locked.add(norm(found.group(1)))
installed = {norm(dist.metadata["Name"]) for dist in distributions() if dist.metadata["Name"]}
print(" ".join(sorted(installed - locked)))
PY
)
if [[ -n $stale ]]; then
  echo "removing packages the locks no longer name: $stale"
  "$python" -m pip uninstall --quiet --yes $stale
fi
requirements=()
for lock in "$@"; do
  requirements+=(-r "$lock")
done
"${pip[@]}" "${requirements[@]}"
