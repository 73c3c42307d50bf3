"""The direction of imports holds: the kernel (shared/) imports no service and
no tool, the event store no messaging, services no other service and no
tool, and services.buyers has no cycle ([tool.importlinter] in
pyproject.toml). `make lint` runs the same check; this puts it in
`make test` too, so a back-arrow fails the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"  # the venv's, next to its python
    r = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout
