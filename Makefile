# Snowball: `make run` and `make test` are all a newcomer needs.
# With DATABASE_URL / REDIS_URL set, both use PostgreSQL / Redis instead of SQLite / files.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
WEB_PORT ?= 8000
MANAGE := DJANGO_DEBUG=1 $(BIN)/python manage.py
export WEB_PORT

.PHONY: run test install prepare migrate messages lint format bench clean

run: prepare
	@echo ""
	@echo "  Snowball is starting at http://127.0.0.1:$(WEB_PORT)/  (Ctrl-C stops web, worker and beat)"
	@echo ""
	DJANGO_DEBUG=1 $(BIN)/honcho start -f Procfile

test: install var
	$(MANAGE) compilemessages --ignore=.venv --ignore=var -v 0
	DJANGO_DEBUG=1 $(BIN)/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(VENV)/.installed

var:
	mkdir -p var/broker/queue var/broker/processed var/private var/static var/screenshots

prepare: install var
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) compilemessages --ignore=.venv --ignore=var -v 0
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) load_demo

migrate: install var
	$(MANAGE) migrate --noinput

# Extract new strings into each app's catalog, then translate them in <app>/locale/.
messages: install
	$(MANAGE) makemessages -l zh_Hans --no-obsolete
	$(MANAGE) compilemessages --ignore=.venv --ignore=var -v 0

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install var
	@for script in bench/[!_]*.py; do echo "== $$script"; DJANGO_DEBUG=1 $(BIN)/python $$script || exit 1; done

clean:
	rm -rf var $(VENV)
