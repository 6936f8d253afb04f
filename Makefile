# Two commands: `make demo` runs the demo, `make test` runs the tests. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_ENV := DJANGO_DEBUG=1 ALLOW_SYNTHETIC_NATIONAL_IDS=1
TEST_ENV := DJANGO_SECRET_KEY=test-only-secret-key-not-for-production ALLOW_SYNTHETIC_NATIONAL_IDS=1 \
	PSEUDONYM_KEY=test-only-pseudonym-key-0123456789abcdef \
	EXPORT_PSEUDONYM_KEY=test-only-export-pseudonym-key-0123456789abcdef

.PHONY: demo demo-data test lint migrations-check venv clean

$(BIN)/.installed: requirements.lock
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

venv: $(BIN)/.installed

demo-data: venv
	mkdir -p var
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py load_reference_data
	$(DEMO_ENV) $(BIN)/python manage.py load_demo_data
	$(DEMO_ENV) $(BIN)/python manage.py load_demo_participation
	$(DEMO_ENV) $(BIN)/python manage.py create_demo_users

demo: demo-data
	@echo "Admin: http://127.0.0.1:$(PORT)/admin/   Offentlig API: http://127.0.0.1:$(PORT)/api/v1/"
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: venv
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: venv
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var .pytest_cache
