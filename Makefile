# WeCare Ops: the two commands are `make demo` and `make test`.
# Each bootstraps what it needs on a machine with only Python 3.11 and make:
# a private copy of uv, then the virtual environment from uv.lock.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
BOOT   := .bootstrap
UV     := $(BOOT)/bin/uv
VENV   := .venv
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never

.PHONY: setup demo test test-fast bench lint clean

$(UV):
	$(PYTHON) -m venv $(BOOT)
	$(BOOT)/bin/pip install --quiet uv==0.13.8

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

setup: $(VENV)/.synced

demo: setup
	$(VENV)/bin/wecare demo

test: setup
	$(VENV)/bin/pytest -q

test-fast: setup
	$(VENV)/bin/pytest -q -m "not slow"

bench: setup
	$(VENV)/bin/python -m benchmarks.kernel

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) $(BOOT) data .pytest_cache
