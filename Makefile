# The two commands of the README: `make run` (install, migrate, seed, serve) and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# The browser tests drive Debian's Chromium; test tools never download a browser of their own.
CHROMIUM_PATH ?= /usr/bin/chromium

.PHONY: install browser checkers run serve test lint format migrations-check messages ci clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet --editable . --group dev
	touch $@

# Local development only: DEBUG on, SQLite unless DATABASE_URL says otherwise.
run: export DJANGO_DEBUG ?= 1
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed
	$(BIN)/python manage.py analyze
	$(BIN)/python manage.py local_admin
	$(BIN)/python manage.py runserver $(HOST)

# Production-like: DEBUG off (set DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL), static files collected and
# served by WhiteNoise, gunicorn as the WSGI server with its settings in gunicorn.conf.py (WEB_CONCURRENCY, GUNICORN_*).
# tests/test_server.py runs the last line, as `make -n serve` prints it.
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py analyze
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST)

browser:
	@test -x "$(CHROMIUM_PATH)" || { echo "Installing Debian's chromium for the browser tests (needs root)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The checkers the tests run on the admin's pages: axe-core (in the browser tests) and the Nu HTML checker (a Java
# program), at the versions package-lock.json pins, installed by npm into node_modules/.
checkers: node_modules/.installed
	@command -v java >/dev/null || { echo "Installing Java for the Nu HTML checker (needs root)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }

# --ignore-scripts: vnu-jar's install script would download a Java runtime; the machine's Java runs it instead.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

test: install browser checkers
	CHROMIUM_PATH=$(CHROMIUM_PATH) $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: export DJANGO_DEBUG ?= 1
migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# Translators' round trip (needs GNU gettext): collect new strings into locale/fr, then compile the .mo,
# which is committed so that a machine without gettext still serves French.
messages: export DJANGO_DEBUG ?= 1
messages: install
	$(BIN)/python manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=bench --ignore=tests
	$(BIN)/python manage.py compilemessages -l fr --ignore=.venv

ci: lint migrations-check test

clean:
	rm -rf $(VENV) *.egg-info node_modules
