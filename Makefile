# Two commands: `make demo` runs the demo, `make test` runs the tests. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_ENV := DJANGO_DEBUG=1 ALLOW_SYNTHETIC_NATIONAL_IDS=1
TEST_ENV := DJANGO_SECRET_KEY=test-only-secret-key-not-for-production ALLOW_SYNTHETIC_NATIONAL_IDS=1

.PHONY: demo demo-data test lint migrations-check venv clean mail reports

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
	$(DEMO_ENV) $(BIN)/python manage.py create_demo_users
	$(DEMO_ENV) $(BIN)/python manage.py load_indicator_demo_data
	$(DEMO_ENV) $(BIN)/python manage.py compute_indicators --months 24

demo: demo-data
	@echo "Admin: http://127.0.0.1:$(PORT)/admin/   Offentlig API: http://127.0.0.1:$(PORT)/api/v1/"
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# A local SMTP server that prints every message (the demo sends its e-mail to 127.0.0.1:1025).
mail: venv
	@echo "SMTP på 127.0.0.1:1025 – meldinger skrives her. Send rapporter med: make reports"
	$(BIN)/python -m aiosmtpd -n -l 127.0.0.1:1025 -c aiosmtpd.handlers.Debugging stdout

# Compute the last 24 months of indicators and send last month's reports to the demo users.
reports: demo-data
	$(DEMO_ENV) $(BIN)/python manage.py send_monthly_reports $(if $(PERIOD),--period $(PERIOD))

test: venv
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: venv
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var .pytest_cache
