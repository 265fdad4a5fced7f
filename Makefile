# Portal Kinerja ASN. Quick start: `make run` (demo on http://127.0.0.1:5000) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
# waitress for real browsers (README, "Serving"): idle keep-alive connections must not lock new visitors out.
THREADS ?= 8
CONNECTION_LIMIT ?= 1000
CHANNEL_TIMEOUT ?= 30
BACKLOG ?= 2048
WAITRESS = --threads=$(THREADS) --connection-limit=$(CONNECTION_LIMIT) --channel-timeout=$(CHANNEL_TIMEOUT) \
           --backlog=$(BACKLOG) --asyncore-use-poll
# make load: virtual users and seconds of the deadline-afternoon load test
USERS ?= 300
SECONDS ?= 120
export FLASK_APP := wsgi.py

.PHONY: setup run serve test test-sqlite test-postgresql lint bench load import-scale i18n-extract i18n-compile clean

# The virtualenv is rebuilt when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); \
	  else echo "Python's venv module is missing: run 'sudo apt-get install python3-venv' and try again."; exit 1; fi; }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

setup: $(VENV)/.installed i18n-compile

i18n-compile: $(VENV)/.installed
	@$(BIN)/pybabel -q compile -d portal/translations 2>/dev/null || $(BIN)/pybabel compile -d portal/translations

# Extract the Indonesian source strings and merge them into the English catalogue (then translate en/…/messages.po).
i18n-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l --no-location --sort-output -o portal/translations/messages.pot .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations -l en --no-fuzzy-matching

# Migrate, load the demo regency when the database is empty, print the demo logins, serve with waitress.
run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	@echo ""; echo "Demo logins:"; $(BIN)/flask demo-logins; echo ""
	@echo "Portal Kinerja ASN: http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(BIN)/waitress-serve --host $(HOST) --port $(PORT) $(WAITRESS) wsgi:app

# Serve without touching the data (a real installation).
serve: setup
	$(BIN)/flask db upgrade
	$(BIN)/waitress-serve --host $(HOST) --port $(PORT) $(WAITRESS) wsgi:app

lint: setup
	$(BIN)/ruff check .

# The whole suite on SQLite and on a PostgreSQL server that the tests start themselves.
# The two database runs go side by side (each is one Python process; CI has more than one core).
test: lint
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgresql

test-sqlite: setup
	$(BIN)/pytest -q -p no:cacheprovider --db=sqlite

test-postgresql: setup
	$(BIN)/pytest -q -p no:cacheprovider --db=postgresql

bench: setup
	$(BIN)/python -m tests.bench

# The staff import of a generated 20,000-row export on SQLite and PostgreSQL: time per step and peak memory.
import-scale: setup
	$(BIN)/python -m tests.import_scale

# A deadline afternoon: USERS virtual employees for SECONDS against waitress on a copy of demo + 20,000 employees.
load: setup
	$(BIN)/python -m tests.load --users $(USERS) --seconds $(SECONDS) --threads $(THREADS) \
	  --connection-limit $(CONNECTION_LIMIT) --channel-timeout $(CHANNEL_TIMEOUT) --backlog $(BACKLOG)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
