"""Schemathesis over every operation of the five services, as processes on a
real NATS: GET, query, path and header parameters included, /ops too (with an
admin's token), in positive and negative modes, with the checks that a
response is no server error, has a declared status code and content type,
matches its schema, and that invalid input is refused; then stateful runs
along the links Schemathesis infers (create, then read or change it).

`make fuzz` runs it deep (WECARE_FUZZ_EXAMPLES=200) and prints what it found:
`python -m tests.fuzz.run [--examples N] [--service NAME]...`. The test in
test_fuzz_api.py runs it with a small budget."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance", "negative_data_rejection")
COUNTRIES = ("bd", "vn")

@dataclass
class Result:
    service: str
    seconds: float
    report: dict[str, Any]
    output: str
    links: tuple[int, int] = (0, 0)  # covered, inferred
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (check, operation, code)


def fuzz_service(service: str, url: str, token: str, *, examples: int, report_dir: Path,
                 phases: str | None = None, seed: int | None = None, max_time: int | None = None,
                 timeout: float = 4 * 3600) -> Result:
    """One `st run` against one service's OpenAPI document; its JSON report read back."""
    out = report_dir / service
    out.mkdir(parents=True, exist_ok=True)
    cmd = [str(Path(sys.executable).parent / "st"), "run", f"{url}/openapi.json",
           "-H", f"Authorization: {token}", "--checks", ",".join(CHECKS), "--mode", "all",
           "--max-examples", str(examples), "--suppress-health-check", "all", "--request-timeout", "30",
           "--report", "json,ndjson", "--report-dir", str(out), "--no-color", "--output-truncate", "false"]
    if phases:
        cmd += ["--phases", phases]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    if max_time:
        cmd += ["--max-time", str(max_time)]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks", "WECARE_FUZZ_COUNTRIES": ",".join(COUNTRIES),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=out, env=env, capture_output=True, text=True, timeout=timeout)
    seconds = time.monotonic() - started
    (out / "output.txt").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    reports = sorted(out.glob("json-*.json"), key=lambda p: p.stat().st_mtime)
    if not reports:
        raise RuntimeError(f"schemathesis wrote no report for {service} (exit {proc.returncode}):\n"
                           f"{(proc.stdout + proc.stderr)[-3000:]}")
    report = json.loads(reports[-1].read_text(encoding="utf-8"))
    m = re.search(r"API Links:\s+(\d+) covered / \d+ selected / (\d+) total", proc.stdout)
    failures = [(f["title"], op, f["code"]) for f in report.get("failures", []) for op in f["operations"]]
    failures += [("Error", e.get("operation") or str(e), "error") for e in report.get("errors", [])]
    return Result(service, seconds, report, proc.stdout, (int(m[1]), int(m[2])) if m else (0, 0), failures)


def fuzz_stack(services: dict[str, str], token: str, *, examples: int, report_dir: Path,
               phases: str | None = None, seed: int | None = None, max_time: int | None = None,
               parallel: int = 5) -> dict[str, Result]:
    with ThreadPoolExecutor(parallel) as pool:
        futures = {s: pool.submit(fuzz_service, s, url, token, examples=examples, report_dir=report_dir,
                                  phases=phases, seed=seed, max_time=max_time) for s, url in services.items()}
        return {s: f.result() for s, f in futures.items()}


def summary(results: dict[str, Result], *, examples: int) -> str:
    lines = [f"Schemathesis over {len(results)} services, up to {examples} examples per operation and phase, "
             f"checks: {', '.join(CHECKS)}", ""]
    lines.append(f"{'service':<12}{'operations':>11}{'examples':>10}{'links':>9}{'failures':>10}{'seconds':>9}")
    total_ops = total_cases = 0
    for s, r in results.items():
        ops, cases = r.report["operations"], r.report["test_cases"]
        total_ops += ops["tested"]
        total_cases += cases["generated"]
        lines.append(f"{s:<12}{ops['tested']:>5} / {ops['selected']:<3}{cases['generated']:>10}"
                     f"{r.links[0]:>4} / {r.links[1]:<3}{len(r.failures):>7}{r.seconds:>10.0f}")
    lines.append(f"{'all':<12}{total_ops:>5}{'':>5}{total_cases:>10}")
    by_check: dict[str, list[str]] = {}
    for s, r in results.items():
        for check, op, code in r.failures:
            by_check.setdefault(f"{code} {check}", []).append(f"{s}: {op}")
    lines.append("")
    if not by_check:
        lines.append("No failures.")
    for check, ops in sorted(by_check.items()):
        lines.append(f"{check}: {len(ops)}")
        lines += [f"    {o}" for o in sorted(ops)]
    failed = sum(len(r.failures) for r in results.values())
    lines += ["", f"{failed} failure(s): {'FAIL' if failed else 'ok'}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from wecare.launcher import SERVICES, Launcher
    from wecare.natsserver import NatsServer

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--examples", type=int, default=int(os.environ.get("WECARE_FUZZ_EXAMPLES", "200")))
    ap.add_argument("--service", action="append", choices=SERVICES, help="only these (default: all five)")
    ap.add_argument("--phases", default=None, help="examples,coverage,fuzzing,stateful (default: all)")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--max-time", type=int, default=int(os.environ.get("WECARE_FUZZ_MAX_TIME", "0")) or None,
                    help="seconds per service at most (schemathesis --max-time)")
    ap.add_argument("--report-dir", type=Path, default=None, help="keep the reports here (default: a temp dir)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wecare-fuzz-") as tmp:
        report_dir = args.report_dir or Path(tmp) / "reports"
        with NatsServer(store_dir=Path(tmp) / "nats") as nats:
            launcher = Launcher(Path(tmp) / "stack", countries=",".join(COUNTRIES), nats_url=nats.url,
                                env={"WECARE_LOG_LEVEL": "ERROR"})
            info = launcher.start()
            try:
                wanted = {s: u for s, u in info.services.items() if not args.service or s in args.service}
                results = fuzz_stack(wanted, info.headers()["Authorization"], examples=args.examples,
                                     report_dir=report_dir, phases=args.phases, seed=args.seed,
                                     max_time=args.max_time)
            finally:
                launcher.stop()
        print(summary(results, examples=args.examples))
        for r in results.values():  # the failing cases in full: input, answer, how to reproduce
            if r.failures:
                print(f"\n===== {r.service} =====\n" + r.output.split("= FAILURES =", 1)[-1].split("= SUMMARY =")[0])
        if args.report_dir:
            print(f"\nreports: {args.report_dir}")
        return 1 if any(r.failures for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
