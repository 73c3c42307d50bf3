"""`wecare up`, `wecare demo` on the running stack, `wecare status`,
`wecare replay`, Ctrl-C, and a restart that resumes from the same data: the
commands run as a user runs them, each service its own process."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from wecare.launcher import StackInfo
from wecare.natsauth import SERVICES
from wecare.natsserver import free_port, free_ports, pid_alive

pytestmark = pytest.mark.slow


def _wecare(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wecare.cli", *args], capture_output=True, text=True,
                          timeout=timeout)


def _up(data: Path) -> subprocess.Popen:
    log = data.parent / f"up-{time.monotonic_ns()}.log"
    proc = subprocess.Popen([sys.executable, "-m", "wecare.cli", "up", "--data-dir", str(data), "--base-port",
                             str(free_ports(len(SERVICES))), "--nats-port", str(free_port()),
                             "--console-port", str(free_port())],
                            stdout=open(log, "wb"),  # noqa: SIM115
                            stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        info = StackInfo.load(data)
        if info is not None and info.running():
            return proc
        assert proc.poll() is None, "wecare up exited:\n" + log.read_text(errors="replace")[-4000:]
        time.sleep(0.2)
    _stop(proc)  # not left running (with its five services and nats-server) after the test
    raise TimeoutError("wecare up did not get ready:\n" + log.read_text(errors="replace")[-2000:])


def _stop(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGINT)  # Ctrl-C
    return proc.wait(60)


def test_up_demo_status_replay_ctrl_c_and_resume(tmp_path):
    data = tmp_path / "stack"
    data.mkdir()
    up = _up(data)
    try:
        info = StackInfo.load(data)
        assert info is not None and set(info.services) == {"assessment", "planning", "delivery", "evaluation", "buyers"}
        demo = _wecare("demo", "--stack", str(data), "--data-dir", str(tmp_path / "unused"))
        assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
        assert "on the running stack" in demo.stdout
        # the console's address, and an account that signs in there and sees the demo's data
        assert f"The console: {info.console}" in demo.stdout
        user, password = next(line.split()[3:6:2] for line in demo.stdout.splitlines()
                              if line.strip().startswith("sign in as lina"))
        with httpx.Client(base_url=info.console) as browser:
            assert browser.post("/signin", data={"username": user, "password": password}).status_code == 303
            factories = browser.get("/api/assessment/bd/factories").json()["items"]
            assert "Dhaka Knitwear Ltd" in {f["name"] for f in factories}
            assert browser.get("/api/assessment/vn/factories").status_code == 403
        for sentence in ("3 trainings of trainers delivered to 14 managers",
                         "4 responsible recruitment workshops involving 20 managers",
                         "2 parenting sessions reaching 100 parent workers",
                         "an OS ID another factory holds: 422 unique_os_id"):
            assert sentence in demo.stdout
        assert (data / "reports" / "otto-group-portfolio.pdf").exists()
        reports = [data / "reports", *(data / "reports").iterdir()]  # the owner's only, whatever the umask
        assert {p.name: oct(p.stat().st_mode & 0o777) for p in reports if p.stat().st_mode & 0o077} == {}
        again = _wecare("demo", "--stack", str(data))
        assert again.returncode == 1 and "played on this stack already" in again.stdout

        status = _wecare("status", "--data-dir", str(data))
        assert status.returncode == 0, status.stderr
        rows = [line.split() for line in status.stdout.splitlines()[1:]]
        assert {(r[0], r[1]) for r in rows} == {(s, c) for s in info.services for c in ("bd", "cn", "tr", "vn")}
        events = {(r[0], r[1]): int(r[2]) for r in rows}
        assert events[("delivery", "bd")] > 0 and all(r[3] == "0" and r[5] == "0" for r in rows)

        replay = _wecare("replay", "delivery", "--data-dir", str(data))
        assert replay.returncode == 0 and "identical: True" in replay.stdout and "False" not in replay.stdout
    finally:
        assert _stop(up) == 0
    assert not any(pid_alive(p) for p in info.pids.values()), "Ctrl-C stops every service"
    assert StackInfo.load(data) is None

    up = _up(data)  # started again: the same data
    try:
        status = _wecare("status", "--data-dir", str(data))
        again = {(r[0], r[1]): int(r[2]) for r in (line.split() for line in status.stdout.splitlines()[1:])}
        assert again == events
        info = StackInfo.load(data)
        url = info.services["assessment"]
        assert httpx.get(f"{url}/bd/factories/bd-dhaka-knit", headers=info.headers()).status_code == 200
        assert httpx.get(f"{url}/bd/factories/bd-dhaka-knit").status_code == 401  # no token, no answer
    finally:
        assert _stop(up) == 0


def test_status_without_a_stack_says_so(tmp_path):
    r = _wecare("status", "--data-dir", str(tmp_path))
    assert r.returncode == 1 and "no running stack" in r.stderr


def test_a_service_that_misses_its_start_is_stopped_with_the_stack(tmp_path, nats_server):
    """A service that did not answer /health in time was never stopped: on a
    loaded machine each failed start left a service process running."""
    from wecare.launcher import Launcher

    launcher = Launcher(tmp_path / "stack", countries="bd", nats_url=nats_server.url, services=("assessment",),
                        env={"WECARE_LOG_LEVEL": "ERROR"})
    with pytest.raises(TimeoutError):
        launcher.start(timeout=0.01)
    proc = launcher.services["assessment"].proc
    assert proc is not None and proc.poll() is not None and not pid_alive(proc.pid)


def test_what_a_launched_stack_writes_is_its_owners_only(tmp_path):
    """`wecare up`'s stack under the usual umask (022: files 0644, folders 0755): every folder it makes is
    0700 and every file 0600 (the services' SQLite files and key stores with their -wal and -shm, the
    signing key, the logs, NATS's passwords and store), but for the public key set, jwks.json."""
    import os
    import stat

    from wecare.launcher import Launcher

    old = os.umask(0o022)
    try:
        launcher = Launcher(tmp_path / "stack", countries="bd", services=("delivery",),
                            env={"WECARE_LOG_LEVEL": "ERROR"})
        with launcher as stack:
            info = stack.info()
            r = httpx.get(f"{info.services['delivery']}/ops/status", headers=info.headers())
            assert r.status_code == 200
            made = sorted(p for p in (tmp_path / "stack").rglob("*"))
            modes = {str(p.relative_to(tmp_path)): stat.S_IMODE(p.stat().st_mode) for p in made}
    finally:
        os.umask(old)
    for name in ("delivery.db", "delivery.db-wal", "delivery.db-shm", "delivery-keys.db", "keys/signing-key.pem",
                 "logs/delivery.log", "nats/auth.conf", "stack.json"):
        assert f"stack/{name}" in modes, sorted(modes)
    assert any(m.startswith("stack/nats/jetstream/") for m in modes)
    wider = {p: oct(m) for p, m in modes.items() if m & 0o077 and not p.endswith("/jwks.json")}
    assert wider == {}
    assert stat.S_IMODE((tmp_path / "stack").stat().st_mode) == 0o700
