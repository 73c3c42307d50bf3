"""Progress of long work in the `wecare` command: a rebuild, a re-publish, an
export. On a terminal a bar (rich): done/total, percent, rate, ETA; when the
output is not a terminal (CI logs, a pipe, a file) plain lines, one at most
every few seconds and one at the end, so a log keeps the figures and no
control characters."""

from __future__ import annotations

import sys
import time
from typing import IO, Any


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def line(label: str, view: dict[str, Any]) -> str:
    """One plain line of a job's progress (GET /jobs/{id})."""
    done, total, unit = view["done"], view["total"], view["unit"]
    rate = view.get("rate_per_s")
    parts = [f"{label}: {done}/{total if total is not None else '?'} {unit}"]
    if total:
        parts.append(f"{100 * done / total:.0f}%")
    parts.append(f"{rate:.0f} {unit}/s" if rate is not None else f"- {unit}/s")
    if view["state"] == "running":
        parts.append(f"ETA {_eta(view.get('eta_s'))}")
    else:
        parts.append(f"{view['state']} in {view['elapsed_s']:.1f}s")
    return ", ".join(parts)


class Progress:
    """Shows one job after another (`wecare replay` rebuilds each projection in turn)."""

    def __init__(self, out: IO[str] | None = None, *, tty: bool | None = None, every_s: float = 5.0) -> None:
        self.out = out or sys.stdout
        self.tty = self.out.isatty() if tty is None else tty
        self.every_s = every_s
        self._bar: Any = None
        self._task: Any = None
        self._last = 0.0
        self._label = ""
        self._printed = False

    def start(self, label: str, unit: str) -> None:
        self._label = label
        self._printed = False
        self._last = time.monotonic()
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TaskProgressColumn, TextColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn(unit), TaskProgressColumn(), TextColumn("{task.fields[rate]}"),
                            TextColumn("ETA {task.fields[eta]}"), console=Console(file=self.out), transient=False)
            self._bar.start()
            self._task = self._bar.add_task(label, total=None, rate="", eta="?")

    def update(self, view: dict[str, Any]) -> None:
        if self._bar is not None:
            rate = view.get("rate_per_s")
            self._bar.update(self._task, completed=view["done"], total=view["total"],
                             rate=f"{rate:.0f} {view['unit']}/s" if rate is not None else "",
                             eta=_eta(view.get("eta_s")) if view["state"] == "running" else "0:00")
            return
        now = time.monotonic()
        if not self._printed or view["state"] != "running" or now - self._last >= self.every_s:
            self._last, self._printed = now, True
            print(line(self._label, view), file=self.out, flush=True)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def follow(get: Any, href: str, progress: Progress, label: str, *, poll_s: float = 0.2) -> dict[str, Any]:
    """Poll a job (GET `href` with `get`, e.g. an httpx client's) until it ends; show its progress."""
    view = get(href).json()
    progress.start(label, view["unit"])
    try:
        while True:
            progress.update(view)
            if view["state"] != "running":
                return view
            time.sleep(poll_s)
            view = get(href).json()
    finally:
        progress.stop()
