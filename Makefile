# The README's two commands: `make run` and `make test`. Everything else is a
# step they share.
# Any of Python 3.11, 3.12, 3.13: `make install PYTHON=python3.13 VENV=.venv-3.13`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install lock browser run serve demo test test-only lint check-migrations messages clean bench load

# Virtualenv with the project and its test tools, installed from uv.lock (exact
# versions with hashes) by uv; redone when pyproject.toml or uv.lock changes.
# A pyproject.toml whose dependencies the lock no longer matches (a branch
# added one) stops here with a message: run `make lock` and commit uv.lock.
install: $(BIN)/.installed
$(BIN)/.installed: pyproject.toml uv.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11, 3.12 or 3.13 is needed ($(PYTHON) not found; set PYTHON=/path/to/python3.x)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet "uv>=0.9"
	@UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --quiet --locked --extra dev --python $(BIN)/python \
	  || { echo "uv.lock does not match pyproject.toml (or could not be installed): run 'make lock' and commit uv.lock"; exit 1; }
	touch $@

# Regenerate uv.lock from pyproject.toml at the newest versions it allows, for
# Pythons 3.11 to 3.13 at once; commit the result. Then `make install`.
lock: $(BIN)/python
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet "uv>=0.9"
	$(BIN)/uv lock --upgrade

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Debian's Chromium drives the browser tests (Playwright never downloads one);
# axe-core, for the accessibility test, comes from npm at the version pinned in
# tests/browser/package-lock.json.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; \
	fi
	@# A Chinese font, or the screenshots under var/screenshots/ show boxes.
	@if ! fc-list :lang=zh | grep -q .; then \
	  echo "Installing a Chinese font (fonts-wqy-microhei) for the browser screenshots"; \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei >/dev/null) \
	    || echo "No Chinese font could be installed: screenshots will show boxes"; \
	  else (sudo apt-get update -qq && sudo apt-get install -y -qq fonts-wqy-microhei >/dev/null) \
	    || echo "No Chinese font could be installed: screenshots will show boxes"; fi; \
	fi
	@if [ ! -d tests/browser/node_modules/axe-core ]; then \
	  if ! command -v npm >/dev/null; then \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq npm >/dev/null; \
	    else echo "npm is needed to install axe-core for the browser tests"; exit 1; fi; \
	  fi; \
	  npm ci --prefix tests/browser --no-audit --no-fund; \
	fi

# Serve the site and admin with demo content on SQLite (var/newsroom.sqlite3).
run: install demo serve

demo: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo

# Links in the demo's mails lead to the address the server runs on.
serve: install
	DEBUG=1 SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-migrations: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# The whole suite: lint, Django's checks, migrations in sync, then pytest.
test: install browser lint
	DEBUG=1 $(BIN)/python manage.py check --fail-level WARNING
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(MAKE) test-only

test-only: install
	$(BIN)/pytest $(PYTEST_ARGS)

# Regenerate the translation catalogues (needs GNU gettext).
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l zh_Hant -l zh_Hans --ignore='.venv*' --ignore=tests
	DEBUG=1 $(BIN)/python manage.py makemessages -d djangojs -l zh_Hant -l zh_Hans --ignore='.venv*' --ignore=tests --ignore=staticfiles --ignore=node_modules
	@# compilemessages skips a .po that is no newer than its .mo (after a merge).
	touch locale/*/LC_MESSAGES/*.po
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore='.venv*'

clean:
	rm -rf $(VENV) var staticfiles

# The public site under load on PostgreSQL and Redis, beside the Wagtail peer
# and the static-file limit (bench/site.py; figures in var/bench/).
bench: install
	$(BIN)/python bench/site.py

# A 60-second spike on the cached site with a brief published during it: zero
# errors, public headers, the brief on the home page (bench/load.py).
load: install
	$(BIN)/python bench/load.py
