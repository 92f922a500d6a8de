# The two commands: `make demo` (set up and serve the product) and `make test` (set up and run
# every test). Both create .venv in the repository from the locked requirements.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.PHONY: demo test setup lint lock messages clean bench screenshots

# The locks installed for development and tests (the production image installs base.txt).
LOCKS ?= requirements/build.txt requirements/test.txt

# .installed is written last, only after every install succeeded: a failed or interrupted install
# is tried again by the next make, never taken for done.
$(VENV)/.installed: requirements/bootstrap.txt $(LOCKS) pyproject.toml requirements/install.sh
	@rm -f $@
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@requirements/install.sh $(VENV) $(LOCKS) \
		|| { echo "make: installing the locked requirements failed (pip's message is above);" \
		     "fix the cause, then run 'make setup' again." >&2; exit 1; }
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . \
		|| { echo "make: installing the project failed; run 'make setup' again." >&2; exit 1; }
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py demo_serve --port $(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# The README's tour: the phone journey (tests/e2e/test_journey_whole.py) run in chromium, each
# step's page saved to docs/screenshots/ (replacing the old ones). Run it after changing pages.
screenshots: setup
	rm -f docs/screenshots/*.png
	E2E_SCREENSHOTS=docs/screenshots $(PY) -m pytest -q -p no:cacheprovider \
		tests/e2e/test_journey_whole.py::test_an_investor_on_a_phone_goes_from_the_device_check_to_the_trading_codes

# Lint, format and types: CI runs this before the tests, so a commit that breaks any of them fails.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Re-lock after changing pyproject.toml (needs network access to PyPI).
lock: setup
	$(PY) -m pip install --quiet uv==0.13.8
	cd requirements && ../$(VENV)/bin/uv pip compile bootstrap.in --python-version 3.11 \
		--generate-hashes -o bootstrap.txt
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes \
		-o requirements/base.txt
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --python-version 3.11 \
		--generate-hashes -c requirements/base.txt -o requirements/test.txt
	cd requirements && ../$(VENV)/bin/uv pip compile build.in --python-version 3.11 \
		--generate-hashes -c test.txt -o build.txt

# Every speed and memory figure as a ratio measured side by side (bench/run.py; README's table):
# ID photos, signed PDFs, the queue fan-out (needs Redis), a Celery worker's memory, the step
# pages (on PostgreSQL when one answers, and on the embedded default). 6–11 minutes on 2 cores.
bench: setup
	$(PY) bench/run.py

# Update the English catalogue after changing UI strings, then translate the new entries.
messages: setup
	$(PY) manage.py makemessages -l en --ignore '.venv/*' --ignore 'var/*'
	$(PY) manage.py compilemessages -l en --ignore '.venv/*'
	$(PY) manage.py compilemessages -l zh_Hans --ignore '.venv/*'

clean:
	rm -rf $(VENV) var .pytest_cache
