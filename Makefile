# Cabas — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run dev static test install lint migrate messages translations bench screens clean

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

# `make run` serves the site as a small group runs it for real: DEBUG off, gunicorn (2 processes x 8
# threads), static files by WhiteNoise, the background worker beside it. It listens on this machine
# over plain HTTP, hence no HTTPS redirect and no secure-only cookies; any of these can be overridden
# from the environment.
RUN_ENV = DEBUG="$${DEBUG:-0}" SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret-key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-localhost,127.0.0.1,[::1]}" SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}" \
	SECURE_COOKIES="$${SECURE_COOKIES:-0}" SERVE_MEDIA="$${SERVE_MEDIA:-1}"

# A secret key made once for this installation (sessions and signed links stay valid across restarts).
var/secret-key:
	mkdir -p var
	umask 077; $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

static: install var/secret-key
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v 0

run: migrate var/.demo-loaded static
	$(RUN_ENV) $(PY) manage.py serve --bind 127.0.0.1:8000

# For working on the code: Django's development server, reloaded on every change, DEBUG on.
dev: migrate var/.demo-loaded
	@echo "Cabas (développement) sur http://127.0.0.1:8000 (Ctrl-C pour arrêter le site et le worker)"
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py db_worker & \
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run -v 0

test: lint messages
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

# Screenshots of the shop, cart, checkout and order page on a 375 px phone, into docs/screens/.
screens: messages
	$(PY) -m tests.e2e.screens

bench: migrate
	$(PY) -m bench.geojson
	$(PY) -m bench.import_products
	$(PY) -m bench.products_page
	$(PY) -m bench.shopfront
	$(PY) -m bench.cycle_edit
	$(PY) -m bench.amap_day

clean:
	rm -rf $(VENV) var
