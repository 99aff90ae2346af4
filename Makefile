# Two commands matter: `make run` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve backup test install migrate seed sync lint format benchmark screenshots clean

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed

# Before the first serve, a bounded import (about two minutes) of today's registry trials;
# offline it says so in one line and the seed is served.
run: seed
	$(BIN)/python manage.py first_import --max-seconds 120
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production: static files, migrations, then gunicorn (config/gunicorn.py) with
# threaded workers. PORT (8000), WEB_CONCURRENCY, BIND (127.0.0.1:$PORT).
serve: install
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/python manage.py migrate --noinput
	exec $(BIN)/gunicorn --config config/gunicorn.py config.wsgi:application

# A consistent database dump plus the portable curated export, in backups/<time>/.
backup: install
	$(BIN)/python manage.py backup --dir $(or $(BACKUP_DIR),backups)

# Two passes at once: the tests that roll back their transaction, in parallel workers (one
# per core; a test file stays on one worker: module fixtures, one Redis per file); and the
# tests that empty the database (transactional, live server, browser), in one process with
# a test database of its own, its output shown after the first pass's. Exit code 5 is
# "nothing selected", e.g. PYTEST_ARGS names a file of only one kind. Byte-code is written
# even where PYTHONDONTWRITEBYTECODE is set: otherwise each of the three processes
# compiles every module and rewrites every test's asserts again (about 4 s each).
PYTEST_PARALLEL ?= -n auto --dist loadfile
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest
test: install
	@mkdir -p var; \
	$(PYTEST) --db-pass=flushing $(PYTEST_ARGS) > var/test-flushing.log 2>&1 & flushing=$$!; \
	trap 'kill $$flushing 2>/dev/null' INT TERM; \
	$(PYTEST) $(PYTEST_PARALLEL) --db-pass=shared $(PYTEST_ARGS); shared=$$?; \
	wait $$flushing; flushed=$$?; \
	echo "=== the tests that empty the database (run beside the pass above)"; \
	cat var/test-flushing.log; \
	for rc in $$shared $$flushed; do [ $$rc -eq 0 ] || [ $$rc -eq 5 ] || exit $$rc; done

# Fetch what changed in ClinicalTrials.gov since the last clean run.
sync: migrate
	$(BIN)/python manage.py import_ctgov -v 0

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

benchmark: install
	$(BIN)/python scripts/benchmark.py

# docs/screens/*.png for the README, from a throw-away database; needs /usr/bin/chromium.
screenshots: install
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
