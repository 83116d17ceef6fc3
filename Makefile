# Palisade. On a fresh machine: `make run` serves it, `make test` tests it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_FAST := -m "not integration and not e2e"

.PHONY: install assets run serve migrate demo test test-e2e quality audit test-integration lint format bench schema check-schema clean

$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --quiet
	touch $@

# The dashboard's front-end libraries come from npm (package-lock.json) and are copied into the
# web app's static folder (git-ignored); nothing vendored is committed.
WEB_VENDOR := web/static/web/vendor
$(WEB_VENDOR)/chart.umd.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(WEB_VENDOR)
	# The source map too: collectstatic's manifest storage follows the script's sourceMappingURL.
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map $(WEB_VENDOR)/

assets: $(WEB_VENDOR)/chart.umd.min.js

install: $(VENV)/.installed assets

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Palisade on http://$(HOST):$(PORT)/  (API docs: /api/docs/, admin: /admin/, health: /health)"
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) config.asgi:application

# Includes the quality gates of tests/quality (fuzzing, cross-tenant and role probes, query
# budgets, security baseline) in their fast profile; QUALITY_PROFILE=ci fuzzes harder (.ci/run).
test: install
	$(PY) -m pytest $(PYTEST_FAST) -n 2 --dist loadfile

# The browser suite: a real daphne server driven by headless Chromium (Debian's package,
# installed here when missing). Screenshots land in test-artifacts/e2e/ (git-ignored).
test-e2e: install
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	$(PY) -m pytest -m e2e -p no:xdist tests/e2e -v

# The quality gates alone. QUALITY_APPS=all widens them from the landed apps to every app.
quality: install
	$(PY) -m pytest tests/quality -n 2 --dist loadfile

# pip-audit over uv.lock: fails on a known vulnerability with a fix available (see .ci/audit).
audit: install
	.ci/audit

# Needs DATABASE_URL, REDIS_URL, CELERY_BROKER_URL and a running worker: .ci/run sets all of that up.
test-integration: install
	$(PY) -m pytest -m integration --create-db -p no:xdist -v

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

schema: install
	$(PY) manage.py spectacular --file docs/openapi.yaml --validate

check-schema: install
	$(PY) manage.py spectacular --file var/openapi.check.yaml --validate
	diff -u docs/openapi.yaml var/openapi.check.yaml

bench: install
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	$(PY) -m bench

clean:
	rm -rf $(VENV) var staticfiles node_modules $(WEB_VENDOR)
