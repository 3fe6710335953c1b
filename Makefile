# Målbild: `make demo`, `make test`, `make screenshot` (and `make bench`) from a fresh clone.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test check unit postgres e2e screenshot lock messages clean chromium haproxy bench load audit

## Set-up: a virtual env with the pinned runtime (and, for tests, development) dependencies.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Målbild needs Python 3.11 or newer.")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock
	$(BIN)/pip install --quiet -r requirements-dev.lock
	@touch $@

## The demo: migrate, load Mittköping and Ekby, run one worker beside the web server.
demo: $(VENV)/.runtime
	$(BIN)/malbild demo

## Every check, each a stage whose time is in the table printed at the end (scripts/stages).
## Never changes tracked files. The three reduced bench runs share one collection of the static
## files (BENCH_STATIC_ROOT) and one PostgreSQL cluster with the dataset restored once
## (BENCH_POSTGRES: started by the first, stopped and removed at the end; a database each).
SUBMAKE := $(MAKE) --no-print-directory
test:
	@static=$$(mktemp -d /tmp/malbild-static.XXXXXX); pg=$$(mktemp -d /tmp/malbild-bench-pg.XXXXXX); \
	trap '[ ! -x $(BIN)/python ] || $(BIN)/python -m bench.database stop "$$pg"; rm -rf "$$static" "$$pg"' EXIT; \
	BENCH_STATIC_ROOT=$$static BENCH_POSTGRES=$$pg scripts/stages \
	  "virtual environment" "$(SUBMAKE) $(VENV)/.dev" \
	  "chromium" "$(SUBMAKE) chromium" \
	  "haproxy" "$(SUBMAKE) haproxy" \
	  "check" "$(SUBMAKE) check" \
	  "unit tests, SQLite" "$(SUBMAKE) unit" \
	  "unit tests, PostgreSQL" "$(SUBMAKE) postgres" \
	  "browser tests" "$(SUBMAKE) e2e" \
	  "bench (reduced)" "$(BIN)/python -m bench.run --ci --scale 0.02 --seconds 3" \
	  "load test (reduced)" "$(BIN)/python -m bench.loadtest --ci --scale 0.02" \
	  "two servers (reduced)" "$(BIN)/python -m bench.loadtest --ci --scale 0.02 --servers 2 --seconds 10" \
	  "audit (report only)" \
	  "$(BIN)/python scripts/audit.py || echo 'make test: make audit reported findings (report only)'"

check: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy malbild tests bench conftest.py
	$(BIN)/lint-imports --no-cache --no-logo
	MALBILD_DATA_DIR=$$(mktemp -d) $(BIN)/malbild makemigrations --check --dry-run
	MALBILD_DATA_DIR=$$(mktemp -d) MALBILD_PRODUCTION=1 MALBILD_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  MALBILD_ALLOWED_HOSTS=malbild.example.org MALBILD_DATABASE_URL=sqlite:////tmp/malbild-check.sqlite3 \
	  $(BIN)/malbild check --deploy --fail-level WARNING

## One process per core (pytest-xdist), each with its own test database.
unit: $(VENV)/.dev
	$(BIN)/pytest -m "not e2e" -q -n auto

postgres: $(VENV)/.dev
	scripts/with-postgres $(BIN)/pytest -m "not e2e" -q -n auto

## One process per core too, each with its own copy of one prepared demo and its own server, a
## whole file at a time (a file's tests share their module's state), or a whole class (each role
## of the crawl is a class of its own: tests/e2e/test_crawl.py), in the order that
## tests/e2e/conftest.py gives them.
e2e: $(VENV)/.dev chromium
	$(BIN)/pytest -m e2e -q tests/e2e -n auto --dist loadscope --no-loadscope-reorder

## The performance figures of DESIGN.md §6 on a production-mode server (docs/performance.md).
## BENCH_SCALE=0.1 for a quicker run; BENCH_STRICT=1 to fail when a figure is outside its budget.
BENCH_SCALE ?= 1
bench: $(VENV)/.runtime
	$(BIN)/python -m bench.run --scale $(BENCH_SCALE)

## The load test and the fault tests on a production-mode server (docs/performance.md, "Load test").
## LOAD_SCALE=0.1 for a quicker run; LOAD_LEVELS and LOAD_SECONDS for other levels and lengths;
## LOAD_SERVERS=2 for two servers and two workers behind HAProxy (docs/scaling.md).
LOAD_SCALE ?= 1
LOAD_LEVELS ?= 8,32,64
LOAD_SECONDS ?= 60
LOAD_SERVERS ?= 1
load: $(VENV)/.runtime $(if $(filter 2,$(LOAD_SERVERS)),haproxy)
	$(BIN)/python -m bench.loadtest --scale $(LOAD_SCALE) --levels $(LOAD_LEVELS) \
	  --seconds $(LOAD_SECONDS) --servers $(LOAD_SERVERS)

## Browser tests use Debian's Chromium; Playwright's own browser download does not work offline.
chromium:
	@if ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Debian's package 'chromium': sudo apt-get install chromium"; exit 1; \
	  fi; \
	fi

## Two servers behind a proxy (make load LOAD_SERVERS=2, and make test) use Debian's HAProxy.
haproxy:
	@if ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; \
	  else \
	    echo "Two servers behind a proxy need Debian's package 'haproxy': sudo apt-get install haproxy"; exit 1; \
	  fi; \
	fi

## Refresh docs/screenshot.png from a freshly prepared demo.
screenshot: $(VENV)/.dev chromium
	$(BIN)/python -m tests.e2e.screenshot docs/screenshot.png

## Regenerate the Swedish catalogue after changing strings, then compile it.
messages: $(VENV)/.dev
	cd malbild && ../$(BIN)/malbild makemessages -l sv --no-obsolete --add-location file
	cd malbild && ../$(BIN)/malbild compilemessages -l sv

## Known vulnerabilities in the pinned dependencies (pip-audit); assessed ones in audit-ignore.txt.
audit: $(VENV)/.dev
	$(BIN)/python scripts/audit.py

## Re-pin the dependencies (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml -o requirements.lock --python-version 3.11 -q
	uv pip compile requirements-dev.in -o requirements-dev.lock --python-version 3.11 -q

clean:
	rm -rf $(VENV) var
