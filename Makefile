# The two commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install install-dev migrate demo messages check stop-db bench clean

# The local virtualenv gets the production lock plus the embedded PostgreSQL
# (requirements-demo.lock); the production image (Dockerfile) installs requirements.lock only.
# Deduce's lookup tables are built in Django's time zone: Deduce stamps its cache with naive local
# time and compares it with its source files' local mtimes, so a cache built in UTC looks stale
# to Django's processes (TIME_ZONE sets TZ) and is built again, for minutes, at first use.
$(VENV)/.installed: requirements.lock requirements-demo.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock -r requirements-demo.lock
	@echo "Building Deduce's lookup tables once (Woo redaction; a few minutes on the first install)"
	TZ=Europe/Amsterdam $(BIN)/python -c "from deduce import Deduce; Deduce()"
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock -r requirements-demo.lock -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Demo mode: DJANGO_DEBUG=true unless you say otherwise.
run: export DJANGO_DEBUG ?= true
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  iPGA-R runs on http://$(HOST):$(PORT)/"
	@echo "  Demo accounts (password: ipgar-demo):"
	@echo "    pt            programme team"
	@echo "    pt-woo        programme team, Woo coordinator"
	@echo "    r-oov-1 r-oov-2 r-oov-3 r-amstelland r-om r-rn r-wpi r-ggd   case directors"
	@echo "    ptor-politie  PTO-R member (police)"
	@echo "    do-partner    partner (directors' meeting)"
	@echo "    sd-west       intervention partner (district West)"
	@echo "    fg            privacy officer"
	@echo "    admin         administrator (/admin/)"
	@echo ""
	$(BIN)/python -m ipgar.run_demo $(HOST):$(PORT)

# Browser tests need Debian's Chromium; install it when we are root and it is missing.
/usr/bin/chromium:
	@if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Install Chromium first: sudo apt-get install chromium"; exit 1; fi

test: install-dev /usr/bin/chromium
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the Dutch catalogues of the project and of each app, then compile them.
messages: install
	DJANGO_DEBUG=true $(BIN)/python manage.py makemessages -l nl --no-obsolete -i ".venv/*" -i "var/*" -i "tests/*" -i "cases/*" -i "pool/*" -i "meetings/*" -i "monitor/*"
	for app in cases pool meetings monitor; do (cd $$app && DJANGO_DEBUG=true ../$(BIN)/python ../manage.py makemessages -l nl --no-obsolete); done
	DJANGO_DEBUG=true $(BIN)/python manage.py compilemessages -i ".venv" -i "var"

# Production settings refuse to run without DATABASE_URL; here the embedded server may
# stand in (IPGAR_EMBEDDED_POSTGRES). The smoke test runs collectstatic under the manifest
# storage and serves the login page from gunicorn (tools/production_smoke.py).
check: install-dev
	DJANGO_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	IPGAR_EMBEDDED_POSTGRES=true DJANGO_DEBUG=false DJANGO_SECRET_KEY=check-only-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') DJANGO_ALLOWED_HOSTS=ipgar.example.nl $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python tools/production_smoke.py

bench: install-dev
	$(BIN)/python -m benchmarks.run

stop-db:
	$(BIN)/python -m ipgar.embedded_postgres stop

clean: stop-db
	rm -rf var/pgdata var/staticfiles
