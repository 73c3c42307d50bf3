# WeCare Ops: the two commands are `make demo` and `make test`.
# Each bootstraps what it needs on a machine with only Python 3.11 and make:
# a private copy of uv, then the virtual environment from uv.lock.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
BOOT   := .bootstrap
UV     := $(BOOT)/bin/uv
VENV   := .venv
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never

.PHONY: setup browser fonts demo client test test-fast test-unit fuzz bench lint clean

$(UV):
	$(PYTHON) -m venv $(BOOT)
	$(BOOT)/bin/pip install --quiet uv==0.13.8

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

setup: $(VENV)/.synced

# The report tests render HTML in headless Chromium: Debian's package.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the report tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The reports are made in English, Chinese, Bengali, Vietnamese and Turkish. DejaVu (Latin, with
# Vietnamese and Turkish) has no Han and no Bengali: WenQuanYi Micro Hei (5 MiB installed) and Lohit
# Bengali (0.2 MiB), not Noto CJK and Noto core (133 MiB). The Dockerfile installs the same packages;
# the report's CSS names them (services/evaluation/templates/report.html).
REPORT_FONTS := fonts-dejavu-core fonts-wqy-microhei fonts-lohit-beng-bengali
fonts:
	@for f in "DejaVu Sans:en" "WenQuanYi Micro Hei:zh" "Lohit Bengali:bn"; do \
	  fc-list ":family=$${f%%:*}:lang=$${f##*:}" family | grep -q . || missing=1; done; \
	[ -z "$$missing" ] || { \
	  echo "installing the report fonts: $(REPORT_FONTS)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends $(REPORT_FONTS) >/dev/null; }

demo: setup fonts
	$(VENV)/bin/wecare demo --serve

# The typed Python clients (the demo uses them): each service's OpenAPI snapshot to clients/openapi/,
# then clients/wecare_client/<service>/ generated from it by openapi-python-client. Run it after a route
# changes: tests/kernel/test_clients.py fails until the snapshots and the packages match the code.
client: setup
	$(VENV)/bin/wecare client

test: setup browser fonts
	$(VENV)/bin/pytest -q

test-fast: setup
	$(VENV)/bin/pytest -q -m "not slow"

# The handlers' rule tests alone: no nats-server, no PostgreSQL, under a minute.
test-unit: setup
	$(VENV)/bin/pytest -q -m unit

# Schemathesis deep: every operation of the five services (GET and /ops included), positive and
# negative data, all phases (the coverage phase's boundary values too), stateful runs along the
# inferred links; prints operations covered, examples run and the failures by check and operation.
# `make test` runs the same with a small budget (tests/fuzz/test_fuzz_api.py).
fuzz: setup
	WECARE_FUZZ_EXAMPLES=$${WECARE_FUZZ_EXAMPLES:-200} $(VENV)/bin/python -m tests.fuzz.run

bench: setup
	$(VENV)/bin/python -m benchmarks.kernel

# ruff, then the direction of imports: the kernel (shared/) imports no service and no tool
# (wecare/), services import no other service ([tool.importlinter] in pyproject.toml).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) $(BOOT) data .pytest_cache
