"""A real system for the benchmarks, started the way `make run` starts it, on one CPU core.

nats-server, intake, routing and monitoring (uvicorn, one process each) and, for PostgreSQL, a
throwaway cluster, all pinned to SERVER_CPU with `taskset`, so the load generator can have the other
core to itself. The services start on both cores and are pinned once ready: their start (imports,
routing's first training) is not measured, and on one core it took ~22 s of each system a quick run
starts. SQLite files, the NATS store and the JWT secret live in a temp dir; ports are free ones, so a
`make run` or another engineer's benchmark on the same machine does not collide.
"""

import asyncio
import contextlib
import os
import signal
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from shared.auth import ensure_secret, issue_token
from shared.events import STREAM_NAME
from shared.messaging import ensure_stream
from shared.migrations import upgrade
from tests.support.servers import PostgresCluster, free_port, nats_server_binary, postgres_bin_dir
from tests.support.servers import _wait_for_port as wait_for_port

ROOT = Path(__file__).resolve().parents[1]
SERVER_CPU = "1"
LOAD_CPU = "0"
SERVICES = ("intake", "routing", "monitoring")


def pinned(cpu: str, command: list[str]) -> list[str]:
    return ["taskset", "-c", cpu, *command]


def pin_running(pid: int, cpu: str = SERVER_CPU) -> None:
    """Move a running process, every thread of it, to `cpu`; what it starts later inherits the core."""
    subprocess.run(["taskset", "-a", "-p", "-c", cpu, str(pid)], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class System:
    """Start with start(), stop with stop(); `urls`, `db_urls`, `pids` describe what runs."""

    def __init__(self, backend: str):
        self.backend = backend
        self.dir = Path(tempfile.mkdtemp(prefix=f"bench-{backend}-"))
        self.secret = ensure_secret(self.dir / "jwt-secret")
        self.cluster: PostgresCluster | None = None
        self.processes: dict[str, subprocess.Popen] = {}
        self.urls: dict[str, str] = {}
        self.db_urls: dict[str, str] = {}
        self.nats_url = ""

    @property
    def pids(self) -> dict[str, int]:
        return {name: process.pid for name, process in self.processes.items() if name in SERVICES}

    def token(self, role: str = "secretariat") -> str:
        return issue_token(self.secret, f"bench-{role}", role)

    def start(self) -> None:
        self.db_urls = self._databases()
        for name, url in self.db_urls.items():
            upgrade(ROOT / "services" / name / "migrations", url)
        nats_url = self.nats_url = self._start_nats()
        for name in SERVICES:
            self._start_service(name, nats_url)
        for name in SERVICES:
            self._wait_ready(name)
            pin_running(self.processes[name].pid)

    def _databases(self) -> dict[str, str]:
        if self.backend == "sqlite":
            return {name: f"sqlite+aiosqlite:///{self.dir / (name + '.db')}" for name in SERVICES}
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL binaries (initdb, pg_ctl) not found")
        self.cluster = PostgresCluster(bin_dir)
        self.cluster.start()
        self._pin_postgres()
        return {name: self.cluster.create_database(name) for name in SERVICES}

    def _pin_postgres(self) -> None:
        # Backends fork from the postmaster after this, so they inherit the server core.
        pin_running(int((self.cluster.data_dir / "postmaster.pid").read_text().split()[0]))

    def _start_nats(self) -> str:
        port = free_port()
        command = [nats_server_binary(), "-js", "-sd", str(self.dir / "nats"), "-a", "127.0.0.1", "-p", str(port)]
        self.processes["nats"] = self._spawn("nats", command, dict(os.environ))
        nats_url = f"nats://127.0.0.1:{port}"
        wait_for_port(port)
        asyncio.run(_create_stream(nats_url))
        return nats_url

    def _start_service(self, name: str, nats_url: str) -> None:
        port = free_port()
        # The per-token write and import limits (10 writes a second by default) are off: one token drives
        # the whole load here, and the figures are of the system's capacity, not of the limiter.
        env = dict(os.environ, RUN_DIR=str(self.dir), NATS_URL=nats_url, PORT=str(port),
                   DATABASE_URL=self.db_urls[name], JWT_SECRET_FILE=str(self.dir / "jwt-secret"),
                   RATE_LIMIT_WRITES_PER_MINUTE="0", RATE_LIMIT_IMPORTS_PER_MINUTE="0")
        command = [sys.executable, "-m", "uvicorn", "--factory", f"services.{name}.app:create_app",
                   "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
        self.processes[name] = self._spawn(name, command, env, pin=False)  # pinned once ready
        self.urls[name] = f"http://127.0.0.1:{port}"

    def _spawn(self, name: str, command: list[str], env: dict, pin: bool = True) -> subprocess.Popen:
        log = open(self.dir / f"{name}.log", "ab")
        return subprocess.Popen(pinned(SERVER_CPU, command) if pin else command, env=env, cwd=ROOT, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)

    def _wait_ready(self, name: str, timeout: float = 120.0) -> None:
        # Routing trains its first model on an empty database before it is ready (several seconds).
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited; see {self.dir / (name + '.log')}")
            try:
                if httpx.get(self.urls[name] + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"{name} not ready after {timeout:.0f} s")

    @contextlib.contextmanager
    def paused(self, *names: str):
        """Freeze some services (SIGSTOP) while something else is timed; they resume where they were."""
        for name in names:
            self.processes[name].send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            for name in names:
                self.processes[name].send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """Services first (they drain NATS), then NATS, then the database."""
        for group in ([n for n in SERVICES if n in self.processes], ["nats"]):
            for name in group:
                if name in self.processes and self.processes[name].poll() is None:
                    self.processes[name].terminate()
            for name in group:
                if name in self.processes:
                    try:
                        self.processes[name].wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        self.processes[name].kill()
        if self.cluster:
            self.cluster.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.asynccontextmanager
async def nats_connection(nats_url: str):
    """A short-lived connection of the benchmark's own (to set up the stream, to look at its consumers)."""
    import nats

    connection = await nats.connect(nats_url, connect_timeout=2, max_reconnect_attempts=0)
    try:
        yield connection
    finally:
        await connection.close()


async def _create_stream(nats_url: str) -> None:
    async with nats_connection(nats_url) as connection:
        await ensure_stream(connection.jetstream(), STREAM_NAME)


def memory_kib(pid: int) -> dict[str, int]:
    """VmHWM (peak resident set) and VmRSS of a process, from /proc (psutil is not installed)."""
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            figures[key] = int(value.split()[0])
    return figures
