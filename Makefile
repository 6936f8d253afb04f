# Two commands: `make demo` runs the demo, `make test` runs the tests. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_ENV := DJANGO_DEBUG=1 ALLOW_SYNTHETIC_NATIONAL_IDS=1 DEMO_WITHOUT_2FA=1 PUBLIC_BASE_URL=http://127.0.0.1:$(PORT)
TEST_ENV := DJANGO_SECRET_KEY=test-only-secret-key-not-for-production ALLOW_SYNTHETIC_NATIONAL_IDS=1 \
	DJANGO_SECURE_SSL_REDIRECT=0 PUBLIC_BASE_URL=https://kliniskestudier.test \
	PSEUDONYM_KEY=test-only-pseudonym-key-0123456789abcdef \
	EXPORT_PSEUDONYM_KEY=test-only-export-pseudonym-key-0123456789abcdef

.PHONY: demo demo-data test proof lint typecheck migrations-check venv clean backup restore security-check mail reports locks messages

# The development environment: the runtime lock plus the test tools (requirements-dev.lock is
# compiled with the runtime lock as its constraint, so both agree on every shared package).
$(BIN)/.installed: requirements.lock requirements-dev.lock
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

venv: $(BIN)/.installed

# One quiet demo set-up step: its output goes to var/demo-setup.log and is shown only on failure.
define demo_step
	@printf '  %s\n' '$(2)'
	@$(DEMO_ENV) $(BIN)/python manage.py $(1) >> var/demo-setup.log 2>&1 \
	  || { tail -n 40 var/demo-setup.log; echo "Demoen stoppet; hele loggen: var/demo-setup.log" >&2; exit 1; }
endef

demo-data: venv
	@mkdir -p var
	@: > var/demo-setup.log
	@echo "Setter opp demoen (logg: var/demo-setup.log) …"
	$(call demo_step,migrate --noinput,database)
	$(call demo_step,load_reference_data,referansedata: regioner og helseforetak og kommuner og HRCS)
	$(call demo_step,load_demo_data,demoportefølje og industrisamarbeid)
	@# Activity for the indicators first: it fills an empty enrolment table only.
	$(call demo_step,load_indicator_demo_data,aktivitet for indikatorene)
	$(call demo_step,load_demo_participation,deltakelse og samtykker)
	@$(DEMO_ENV) $(BIN)/python manage.py create_demo_users > var/demo-accounts.txt 2>> var/demo-setup.log
	@echo "  demobrukere"
	$(call demo_step,load_demo_kbs,årsrapporteringen av KBS til NVA for i fjor)
	@# The latest two months now; the two years before them in the background (make demo).
	$(call demo_step,compute_indicators --months 2,indikatorer for de siste to månedene)

demo: demo-data
	@$(DEMO_ENV) nice $(BIN)/python manage.py compute_indicators --months 24 \
	  >> var/demo-setup.log 2>&1 &
	@echo
	@echo "Studiesøk:       http://127.0.0.1:$(PORT)/"
	@echo "Administrasjon:  http://127.0.0.1:$(PORT)/admin/"
	@echo "Offentlig API:   http://127.0.0.1:$(PORT)/api/v1/  (dokumentasjon: /api/v1/docs/)"
	@echo "FHIR:            http://127.0.0.1:$(PORT)/fhir/ResearchStudy"
	@cat var/demo-accounts.txt
	@echo "(Indikatorene for de to siste årene beregnes i bakgrunnen de første minuttene.)"
	@echo
	@$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# A local SMTP server that prints every message (the demo sends its e-mail to 127.0.0.1:1025).
mail: venv
	@echo "SMTP på 127.0.0.1:1025 – meldinger skrives her. Send rapporter med: make reports"
	$(BIN)/python -m aiosmtpd -n -l 127.0.0.1:1025 -c aiosmtpd.handlers.Debugging stdout

# Compute the last 24 months of indicators and send last month's reports to the demo users.
reports: demo-data
	$(DEMO_ENV) $(BIN)/python manage.py send_monthly_reports $(if $(PERIOD),--period $(PERIOD))

test: venv
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

# The state machine over consent events and the register export with 1 000 random examples
# (`make test` runs 15 fixed ones); prints examples, steps and the time taken.
proof: venv
	$(TEST_ENV) HYPOTHESIS_PROFILE=proof $(BIN)/python -m pytest -p no:cacheprovider -q \
	  tests/consents/test_export_state_machine.py $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(TEST_ENV) $(BIN)/mypy

# Recompile both locks after changing pyproject.toml (keeps existing pins unless asked to upgrade).
locks: venv
	$(BIN)/pip-compile --quiet --no-emit-find-links --no-emit-index-url --strip-extras \
	  --output-file=requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --extra=dev --constraint=requirements.lock --no-emit-find-links \
	  --no-emit-index-url --strip-extras --output-file=requirements-dev.lock pyproject.toml

# After adding or changing a text: update the Nynorsk and English catalogues (<app>/locale), fill in
# the new empty msgstr lines, and run it again to compile. A test fails while any is missing.
messages: venv
	$(TEST_ENV) $(BIN)/python manage.py update_messages

migrations-check: venv
	@# The embedded SQLite database lives in var/; makemigrations reads its history.
	mkdir -p var
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var .pytest_cache

# Backup and restore of the PostgreSQL database named by DATABASE_URL (README: "Production").
BACKUP_DIR ?= var/backups
backup:
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL=postgres://…" >&2; exit 2; }
	mkdir -p $(BACKUP_DIR)
	pg_dump --format=custom --no-owner --no-privileges \
	  --file=$(or $(BACKUP),$(BACKUP_DIR)/portefolje-$(shell date -u +%Y%m%dT%H%M%SZ).dump) "$(DATABASE_URL)"

restore:
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL=postgres://…" >&2; exit 2; }
	@test -f "$(BACKUP)" || { echo "Set BACKUP=path/to/file.dump" >&2; exit 2; }
	pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
	  --exit-on-error --dbname="$(DATABASE_URL)" "$(BACKUP)"

# Dependency audit and security linter (also run by .ci/run).
security-check: venv
	$(BIN)/bandit -q -r sites trials consents indicators config -lll
	$(BIN)/pip-audit --strict --progress-spinner off -r requirements-dev.lock $(PIP_AUDIT_ARGS)
