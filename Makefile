# coso: the two commands of the README (`make run`, `make test`), plus lint and bench.
# Everything installs into a local virtual environment (.venv) on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PARTS  := backbone services/registry services/admissions services/reporting services/notifications
SERVICES := registry admissions reporting notifications

.PHONY: install run test lint bench bench-backbone bench-registry bench-admissions bench-reporting bench-notifications bench-federation migrate docs clean

install: $(STAMP)

$(STAMP): requirements-dev.txt constraints.txt $(foreach p,$(PARTS),$(p)/pyproject.toml)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -r requirements-dev.txt $(foreach p,$(PARTS),-e $(p))
	touch $(STAMP)

migrate: install
	@for s in $(SERVICES); do $(BIN)/coso-$$s migrate || exit 1; done

## run: the four services against local RabbitMQ with SQLite files in var/, a demo data set,
## and the dashboard at http://127.0.0.1:8003/ (Ctrl-C stops everything).
run: migrate
	PATH="$(CURDIR)/$(BIN):$$PATH" \
	COSO_NOTIFICATIONS_WEBHOOK_URL=$${COSO_NOTIFICATIONS_WEBHOOK_URL-http://127.0.0.1:8099/} \
	COSO_NOTIFICATIONS_WEBHOOK_SECRET=$${COSO_NOTIFICATIONS_WEBHOOK_SECRET-demo-secret} \
	$(BIN)/honcho start -f deploy/Procfile.demo -d $(CURDIR)

## test: the whole suite (unit, integration and end-to-end) against the real RabbitMQ and PostgreSQL,
## in TEST_WORKERS processes (pytest-xdist; most tests wait on the broker or the database, so
## more processes than cores pay; 0 runs them in this process).
TEST_WORKERS ?= 4
test: install
	$(BIN)/pytest -q -n $(TEST_WORKERS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy -p coso_backbone $(foreach s,$(SERVICES),-p coso_$(s))
	$(BIN)/lint-imports
	$(BIN)/python -m coso_backbone.asyncapi --check

## docs: regenerate docs/asyncapi.yaml and docs/schemas/ from the event contracts.
docs: install
	$(BIN)/python -m coso_backbone.asyncapi

## bench: every benchmark, on SQLite and PostgreSQL; figures are printed (the backbone's are
## also written to bench-results/). Each part can run alone: make bench-<part>.
bench: bench-backbone bench-registry bench-admissions bench-reporting bench-notifications bench-federation

bench-backbone: install
	$(BIN)/python -m bench

bench-registry: install
	$(BIN)/python -m services.registry.bench.registry_bench
	$(BIN)/python -m services.registry.bench.registry_bench --postgres

bench-admissions: install
	$(BIN)/python -m services.admissions.bench.admissions_bench --bulk 150000
	$(BIN)/python -m services.admissions.bench.admissions_bench --postgres --bulk 150000

## bench-reporting: the synthetic nation (COSO_BENCH_SCALE, 1 = national size) on SQLite, then on
## PostgreSQL with SQLite's rebuild rate measured again in the same run as its baseline, and
## PostgreSQL's without the members' lanes, then with two without and with the facts lane; the reports as of the data's last day
## (the bench's default, a live dashboard's "today") and as of a past day, the reorganization's eve.
REPORTING_BENCH_DAYS := --as-of 2025-12-31 --as-of 2025-06-30
bench-reporting: install
	$(BIN)/python -m services.reporting.bench.national --scale $${COSO_BENCH_SCALE-0.05} $(REPORTING_BENCH_DAYS)
	$(BIN)/python -m services.reporting.bench.national --scale $${COSO_BENCH_SCALE-0.05} --postgres --baseline \
		--members-lanes 0 --members-lanes 2 --facts-lane off --facts-lane on $(REPORTING_BENCH_DAYS)

bench-notifications: install
	$(BIN)/python -m services.notifications.bench.scheduler
	$(BIN)/python -m services.notifications.bench.scheduler --postgres

## bench-federation: events/s carried by a link between two stacks (RabbitMQ federation) against
## the same events in one vhost, and the catch-up after a 100,000-event outage.
bench-federation: install
	$(BIN)/python -m bench.federation

clean:
	rm -rf var bench-results .pytest_cache .mypy_cache .ruff_cache
