# Tsunagi: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# Tests run against PostgreSQL and Redis on this machine unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tsunagi
TEST_REDIS_URL    ?= redis://127.0.0.1:6379/0

.PHONY: install run test test-fast bench soak messages chromium lint clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

# Links in e-mails point at the port the server really listens on.
SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py demo
	DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py demo_forecasts
	DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py demo_quality
	DEBUG=1 SITE_URL=$(SITE_URL) PORT=$(PORT) $(BIN)/python manage.py devstack

# Debian's chromium for the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium fonts-noto-cjk; }

test: install chromium
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL) CACHE_URL=locmemcache:// \
	  $(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# Without the browser and worker tests, on whatever DATABASE_URL says (SQLite by default).
test-fast: install
	$(BIN)/python -m pytest -m "not browser and not worker" $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run.py

# Faults and fuzzing, long (docs/benchmarks.md "Proof under load"): a worker killed mid-batch,
# Redis restarted, the database connections cut, 100,000+ inputs per EDI reader, schemathesis
# with 100 requests per API operation and caller. Each script prints BENCH lines and exits
# non-zero when anything was lost, duplicated or crashed. The fault soak's broker is a Redis of
# its own on SOAK_REDIS_PORT (started here if it is not running): restarting it disturbs nobody.
SOAK_REDIS_PORT ?= 6390
soak: install
	@redis-cli -p $(SOAK_REDIS_PORT) ping >/dev/null 2>&1 || redis-server --port $(SOAK_REDIS_PORT) \
	  --bind 127.0.0.1 --daemonize yes --save "" --appendonly no --dir /tmp --logfile /tmp/tsunagi-soak-redis.log
	@for i in $$(seq 50); do redis-cli -p $(SOAK_REDIS_PORT) ping >/dev/null 2>&1 && break; sleep 0.1; done
	@set -e; for s in bench/soak_*.py; do echo "# $$s"; \
	  BENCH_REDIS_URL=redis://127.0.0.1:$(SOAK_REDIS_PORT)/9 PYTHONPATH=. $(BIN)/python $$s; done

messages: install
	$(BIN)/python manage.py makemessages --all --ignore=.venv --ignore=var --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

lint: install
	$(BIN)/python -m ruff check portal suppliers edi tests bench

clean:
	rm -rf var staticfiles .pytest_cache
