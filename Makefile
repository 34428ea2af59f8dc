# Cabas — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint migrate messages translations bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

messages: install
	$(PY) manage.py compile_translations

# After changing user-visible text: refresh the English catalogue (needs GNU gettext), then translate
# the new entries in locale/en/LC_MESSAGES/django.po.
translations: install
	$(PY) manage.py makemessages -l en -l fr --no-location --no-obsolete --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	$(PY) manage.py french_plurals

migrate: messages
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py createcachetable

# First run only: the demo territory (idempotent anyway).
var/.demo-loaded:
	$(PY) manage.py demo_data
	touch var/.demo-loaded

run: migrate var/.demo-loaded
	@echo "Cabas sur http://127.0.0.1:8000 (Ctrl-C pour arrêter le site et le worker)"
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py db_worker & \
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run -v 0

test: lint messages
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

bench: migrate
	$(PY) -m bench.geojson
	$(PY) -m bench.import_products
	$(PY) -m bench.products_page
	$(PY) -m bench.shopfront
	$(PY) -m bench.cycle_edit

clean:
	rm -rf $(VENV) var
