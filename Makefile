# Streamline KB: `make run` serves the whole site, `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run serve cluster test test-search-postgres test-clock lint bench messages clean screenshots

$(VENV)/.installed-run: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

# The repository on the venv's path too: pytest imports the suite's own plugin
# (-p tests.xdist_workers) before it adds the repository, so `.venv/bin/pytest`
# would not find it otherwise (`python -m pytest` adds the current folder).
$(VENV)/.installed-test: $(VENV)/.installed-run
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -c 'import sys, sysconfig; open(sysconfig.get_path("purelib") + "/streamline_kb_repository.pth", "w").write(sys.argv[1] + "\n")' "$(CURDIR)"
	touch $@

# Where this machine's processes write their Prometheus metrics (kb.core.metrics),
# emptied when the site starts.
METRICS_DIR = $${PROMETHEUS_MULTIPROC_DIR:-$${KB_VAR_DIR:-var}/metrics}

# The site on embedded defaults: SQLite under var/, a local index, a Celery
# worker and beat on the embedded broker (kb.core.broker). Beat is its own
# process in the same process group (it holds var/celerybeat.lock, so a second
# one refuses to start); Ctrl-C stops all three.
run: $(VENV)/.installed-run
	rm -rf "$(METRICS_DIR)"
	$(PY) manage.py bootstrap --demo-users
	@echo "Site: http://127.0.0.1:$(PORT)/  Staff: http://127.0.0.1:$(PORT)/admin/ (admin / streamline-demo)"
	@trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A kb worker --pool=solo --loglevel=INFO & \
	$(VENV)/bin/celery -A kb beat --loglevel=INFO --schedule var/celerybeat-schedule & \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production profile on this machine: DEBUG off, gunicorn, static files
# collected and served compressed. It refuses to start on development
# secrets: set SECRET_KEY, KB_WEBHOOK_SECRET and ALLOWED_HOSTS (and
# DATABASE_URL, KB_BROKER_URL, KB_CACHE_URL for PostgreSQL and Redis).
serve: $(VENV)/.installed-run
	rm -rf "$(METRICS_DIR)"
	DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=0 $(PY) manage.py bootstrap
	DEBUG=0 $(VENV)/bin/gunicorn kb.wsgi:application --config gunicorn.conf.py

# The production shape on this machine: PostgreSQL and Redis started if they
# are not running (tools/services.sh, as root), two gunicorn nodes behind nginx
# on PORT, two Celery workers and one beat (tools/cluster.py, logs in
# var/cluster/); Ctrl-C stops them all.
cluster: $(VENV)/.installed-run
	@services_env=$$(tools/services.sh) && eval "$$services_env" && \
	$(PY) tools/cluster.py --port $(PORT) $(CLUSTER_ARGS)

# In TEST_WORKERS processes (pytest-xdist; each has its own test database,
# folders and metrics, and the integration tests and the browser tests each
# stay in one process, one test after another: tests/xdist_workers.py).
# TEST_WORKERS=0 runs in this process (for --pdb).
TEST_WORKERS ?= 2
test: $(VENV)/.installed-test
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The search tests again on the PostgreSQL search backend (DATABASE_URL must
# name a PostgreSQL database): search itself, what writes articles (indexed
# in their transaction there), learning, readiness and the search page in
# the browser. Tests about Whoosh's own files are skipped, with the reason.
SEARCH_TESTS ?= tests/search tests/articles tests/learning tests/setup/test_health.py \
	tests/diagnose/test_relevance.py tests/browser/test_search.py
test-search-postgres: $(VENV)/.installed-test
	KB_SEARCH_BACKEND=postgres $(PY) -m pytest -n $(TEST_WORKERS) $(SEARCH_TESTS) $(PYTEST_ARGS)

# The suite without the browser and worker tests once more at another clock
# (libfaketime: the clock starts at CLOCK, local time in CLOCK_TZ, and runs
# on), so no answer depends on the hour, the weekday, a holiday or the zone.
# The clock is given as an offset from now, not as a start time: Django sets
# TZ=UTC in the test process, and a start time would be read in that zone by
# the programs the tests start (the probe agent, openssl), putting
# their clocks hours away from the tests'.
# The pass runs in CLOCK_WORKERS processes, as `make test` does.
CLOCK ?= 2026-12-05 23:40:00
CLOCK_TZ ?= UTC
CLOCK_WORKERS ?= $(TEST_WORKERS)
test-clock: $(VENV)/.installed-test
	@offset=$$(( $$(TZ=$(CLOCK_TZ) date -d '$(CLOCK)' +%s) - $$(date +%s) )); \
	case $$offset in -*) ;; *) offset=+$$offset ;; esac; \
	echo "clock: $(CLOCK) $(CLOCK_TZ) ($${offset} s from now)"; \
	TZ=$(CLOCK_TZ) faketime -f "$${offset}s" $(PY) -m pytest -n $(CLOCK_WORKERS) \
	  -m "not browser and not integration" $(PYTEST_ARGS)

# Style, the layers (import-linter: a lower app never imports a higher one)
# and types (mypy with django-stubs, app by app: the modules listed here).
TYPED ?= kb/core kb/setup kb/problems kb/diagnose kb/search/boosts.py kb/tickets/apis.py \
	kb/tickets/signals.py kb/wizard/ranking.py kb/wizard/signals.py kb/mail
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check kb tests tools bench
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy $(TYPED)

# axe-core for the browser tests' accessibility checks (tests/browser/conftest.py).
tools/axe/node_modules/axe-core/axe.min.js: tools/axe/package-lock.json
	npm ci --prefix tools/axe --no-audit --no-fund
	touch $@

# Every page a person uses, on a desk and a phone, in English and Chinese,
# as screenshots under var/screenshots/pages/ (axe-core checks each one).
screenshots: $(VENV)/.installed-test tools/axe/node_modules/axe-core/axe.min.js
	$(PY) -m pytest tests/browser/test_page_tour.py -q -p no:cacheprovider
	@echo "Screenshots: var/screenshots/pages/ ($$(ls var/screenshots/pages | wc -l) pages)"

bench: $(VENV)/.installed-test
	$(PY) bench/run.py $(BENCH_ARGS)

# Refresh the interface translations after changing strings: new strings
# land in locale/zh_Hans/LC_MESSAGES/django.po (the translations' source,
# edited there or in Poedit / Weblate), then compiled. The tests refuse an
# untranslated or fuzzy entry and a .mo that is not the .po compiled.
messages: $(VENV)/.installed-test
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=tools --ignore=bench
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf var
